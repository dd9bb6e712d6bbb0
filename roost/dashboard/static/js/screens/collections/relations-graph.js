// The relation graph of a schema: every relation field as an edge from its collection to the one
// it points at. Incoming edges are the back-relations a filter or expand can follow as
// `<source collection>_via_<field>` (e.g. posts_via_author on authors).
export function relationEdges(collections) {
  const byId = new Map(collections.map((c) => [c.id, c]));
  const edges = [];
  for (const source of collections) {
    for (const field of source.fields || []) {
      if (field.type !== "relation") continue;
      const target = byId.get(field.collectionId);
      edges.push({
        source, field, target: target || null,
        multiple: (field.maxSelect || 1) > 1,
        cascadeDelete: !!field.cascadeDelete,
        via: `${source.name}_via_${field.name}`,
      });
    }
  }
  return edges;
}

// per collection: {collection, outgoing: [edge], incoming: [edge]}; system collections only
// when a relation touches them
export function relationsByCollection(collections) {
  const edges = relationEdges(collections);
  return collections
    .map((c) => ({
      collection: c,
      outgoing: edges.filter((e) => e.source.id === c.id),
      incoming: edges.filter((e) => e.target && e.target.id === c.id),
    }))
    .filter((r) => !r.collection.system || r.outgoing.length || r.incoming.length);
}
