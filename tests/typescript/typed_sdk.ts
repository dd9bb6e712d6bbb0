// The official JS SDK typed with a generated types file (./types.ts: Roost's /api/schema/types.ts
// or pocketbase-typegen's output): the same code must compile against both and run.
import PocketBase from "pocketbase"
import { Collections, type PostsResponse, type TypedPocketBase, type UsersResponse } from "./types.js"

// Node's globals, declared here instead of installing @types/node
declare const process: { env: Record<string, string | undefined>; exit(code: number): never }

const pb = new PocketBase(process.env.PB_URL) as TypedPocketBase
pb.autoCancellation(false)
pb.authStore.save(process.env.PB_TOKEN ?? "", null)
const userId = process.env.PB_USER_ID ?? ""

async function main(): Promise<void> {
  const post: PostsResponse = await pb
    .collection(Collections.Posts)
    .create({ title: "from the SDK", status: "published", author: userId })
  const title: string = post.title
  const tags: string[] = post.tags
  // @ts-expect-error not a field of posts
  void post.nope

  const list = await pb.collection("posts").getList<PostsResponse<unknown, { author: UsersResponse }>>(1, 10, {
    filter: pb.filter("id = {:id}", { id: post.id }),
    expand: "author",
  })
  const author: UsersResponse = list.items[0].expand.author
  await pb.collection("posts").delete(post.id)
  console.log(JSON.stringify({ title, tags, status: post.status, author: author.id, collection: post.collectionName }))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
