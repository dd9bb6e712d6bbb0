// A client generated from Roost's /api/openapi.json with openapi-typescript (./api.d.ts), used
// through openapi-fetch: create, list with expand, update, view, delete. Prints what it saw as JSON.
import createClient from "openapi-fetch"
import type { components, paths } from "./api.js"

// Node's globals, declared here instead of installing @types/node
declare const process: { env: Record<string, string | undefined>; exit(code: number): never }

type PostCreate = components["schemas"]["PostsCreate"]
type Post = components["schemas"]["PostsRecord"]

// the generated types refuse what the server would refuse
// @ts-expect-error "bogus" is not one of the select values
const wrongStatus: PostCreate = { title: "x", status: "bogus" }
// @ts-expect-error title is required
const noTitle: PostCreate = { status: "draft" }
void wrongStatus
void noTitle

const client = createClient<paths>({
  baseUrl: process.env.PB_URL,
  headers: { Authorization: process.env.PB_TOKEN ?? "" },
})
const userId = process.env.PB_USER_ID ?? ""

async function main(): Promise<void> {
  const created = await client.POST("/api/collections/posts/records", {
    body: { title: "from openapi-fetch", status: "draft", tags: ["a", "b"], author: userId },
  })
  if (!created.data) throw new Error("create failed: " + JSON.stringify(created.error))
  const post: Post = created.data

  const listed = await client.GET("/api/collections/posts/records", {
    params: { query: { filter: `id = "${post.id}"`, expand: "author", perPage: 5 } },
  })
  if (!listed.data) throw new Error("list failed: " + JSON.stringify(listed.error))
  const expanded = listed.data.items[0]?.expand as { author?: { id: string } } | undefined

  const updated = await client.PATCH("/api/collections/posts/records/{id}", {
    params: { path: { id: post.id } },
    body: { title: "changed", "views+": 2 },
  })
  if (!updated.data) throw new Error("update failed: " + JSON.stringify(updated.error))

  const viewed = await client.GET("/api/collections/posts/records/{id}", { params: { path: { id: post.id } } })
  const removed = await client.DELETE("/api/collections/posts/records/{id}", { params: { path: { id: post.id } } })
  const gone = await client.GET("/api/collections/posts/records/{id}", { params: { path: { id: post.id } } })

  console.log(
    JSON.stringify({
      created: { id: post.id, title: post.title, status: post.status, tags: post.tags, author: post.author },
      listed: { total: listed.data.totalItems, expandedAuthor: expanded?.author?.id ?? null },
      updated: { title: updated.data.title, views: updated.data.views },
      viewed: viewed.data?.title ?? null,
      deleted: removed.response.status,
      gone: { status: gone.response.status, message: gone.error?.message ?? null },
    }),
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
