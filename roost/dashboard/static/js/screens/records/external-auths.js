// An auth record's linked OAuth2 accounts (its _externalAuths rows: provider and provider id),
// each with "Unlink" (the SDK's unlinkExternalAuth).
import { html, useState, useEffect } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";
import { confirm } from "../../components/confirm.js";
import { Button } from "../../components/button.js";

export function ExternalAuths({ collection: coll, record }) {
  const [items, setItems] = useState(null);
  const load = () => pb.collection("_externalAuths").getFullList({
    filter: pb.filter("recordRef = {:record} && collectionRef = {:coll}", { record: record.id, coll: coll.id }),
    sort: "provider",
  }).then(setItems).catch((err) => { setItems([]); toast(errorMessage(err), "error"); });
  useEffect(() => { load(); }, [record.id]);
  const unlink = async (ext) => {
    if (!(await confirm({ title: `Do you really want to unlink the ${ext.provider} account?`, confirmLabel: "Unlink" }))) return;
    try {
      await pb.collection(coll.name).unlinkExternalAuth(record.id, ext.provider);
      toast(`Successfully unlinked the ${ext.provider} OAuth2 account.`);
      load();
    } catch (err) { toast(errorMessage(err), "error"); }
  };
  return html`<section class="stack external-auths" aria-label="Linked OAuth2 accounts"><h4>Linked OAuth2 accounts</h4>
    ${items === null ? html`<p class="muted">Loading…</p>`
      : !items.length ? html`<p class="muted">No linked OAuth2 providers.</p>`
      : html`<ul class="stack">${items.map((ext) => html`<li key=${ext.id} class="row">
          <strong>${ext.provider}</strong> <code class="grow">${ext.providerId}</code>
          <${Button} class="btn-sm" aria-label=${"Unlink " + ext.provider} onClick=${() => unlink(ext)}>Unlink<//></li>`)}</ul>`}
  </section>`;
}
