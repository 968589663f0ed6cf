// vite's `?raw` suffix imports a file as a string: tests read edge/local/seed.sql and wrangler.toml
declare module "*.sql?raw" {
  const text: string;
  export default text;
}

declare module "*.toml?raw" {
  const text: string;
  export default text;
}
