import { initTRPC } from "@trpc/server";
import type { TrpcContext } from "./context.ts";

// the only initTRPC in the edge; routers import the builders they are allowed to use
const t = initTRPC.context<TrpcContext>().create();

export const router = t.router;
export const publicProcedure = t.procedure;
