// vite's `?raw` suffix imports a file as a string; tests use it to apply edge/local/seed.sql
declare module "*.sql?raw" {
  const sql: string;
  export default sql;
}
