import { z } from "zod";

export const PAGE_SIZES = [10, 25, 50] as const;
export const PageSize = z.union([z.literal(10), z.literal(25), z.literal(50)]);
export type PageSize = z.infer<typeof PageSize>;

/** Every list starts with this many rows a page, so the lists read alike. */
export const DEFAULT_PAGE_SIZE: PageSize = 25;

/** Numbered pages, as the request tables show them (page 1 is the first). */
export const pageInput = (defaultSize: PageSize = DEFAULT_PAGE_SIZE) =>
  z.object({
    page: z.number().int().min(1).max(10_000).default(1),
    pageSize: PageSize.default(defaultSize),
  });

export interface Page<TItem> {
  items: TItem[];
  page: number;
  pageSize: number;
  total: number;
}
