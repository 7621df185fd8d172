// DuckDB's side of tools/bench/parquet, timed in the same run: COPY a table of activations to Parquet
// (uncompressed and ZSTD) and scan the vector column natively with an aggregate over every value.
// Usage: node bench.mjs <source.parquet> <out-dir> <threads>   Prints JSON timings in seconds.
import { DuckDBInstance } from '@duckdb/node-api';

const [source, outDir, threads] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const c = await db.connect();
const time = async (sql) => { const t = performance.now(); const r = await c.runAndReadAll(sql); return [(performance.now() - t) / 1000, r]; };
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const result = {};
[result.load] = await time(`create table t as select * from read_parquet(${lit(source)})`);
for (const codec of ['uncompressed', 'zstd']) {
  const out = `${outDir}/duckdb-${codec}.parquet`;
  [result[`copy_${codec}`]] = await time(`copy t to ${lit(out)} (format parquet, compression ${codec})`);
  const [scan, rows] = await time(`select sum(list_sum(vec))::double as s from read_parquet(${lit(out)})`);
  result[`scan_own_${codec}`] = scan;
  result[`sum_own_${codec}`] = rows.getRowObjectsJson()[0].s;
}
const [scanOurs, rows] = await time(`select sum(list_sum(vec))::double as s from read_parquet(${lit(source)})`);
result.scan_ours = scanOurs;
result.sum_ours = rows.getRowObjectsJson()[0].s;
process.stdout.write(JSON.stringify(result));
