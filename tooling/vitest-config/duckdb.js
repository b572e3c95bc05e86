// DuckDB as the independent reader of interoperability tests: whatever we write, DuckDB must read back exactly.
import { DuckDBInstance } from '@duckdb/node-api';

export async function queryDuckDb(sql) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export function sqlString(value) {
  return `'${String(value).replaceAll("'", "''")}'`;
}
