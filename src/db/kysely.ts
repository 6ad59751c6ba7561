// Kysely's classes for the ORM-free open (`orm: false`), imported by name: `await import('kysely')`
// keeps every export of the package in the bundle's chunk (its MSSQL, MySQL and SQLite dialects
// included), where these names keep only what a PostgreSQL or PGlite query needs.
export { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
