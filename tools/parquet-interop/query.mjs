// Runs a batch of DuckDB SQL statements and prints their results as JSON, one process for many queries.
// Input (stdin): a JSON array of SQL strings. Output (stdout): a JSON array; each element is
// {"rows": [...row objects...]} or {"error": "message"}. Values use DuckDB's JSON conversion
// (BIGINT and HUGEINT as strings, lists as arrays, NaN/Infinity as strings).
import { DuckDBInstance } from '@duckdb/node-api';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const queries = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
const results = [];
for (const sql of queries) {
  try {
    const reader = await connection.runAndReadAll(sql);
    results.push({ rows: reader.getRowObjectsJson() });
  } catch (e) {
    results.push({ error: String(e.message ?? e) });
  }
}
process.stdout.write(JSON.stringify(results));
