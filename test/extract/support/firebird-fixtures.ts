// Firebird fixture databases for extractor tests, created THROUGH the server (127.0.0.1:...) so the
// files are owned by the firebird user. Idempotent: an existing file is dropped and rebuilt.
// Scripts are written to a file in the connection charset and run with `isql-fb -ch X -i file`,
// because isql-fb drops bytes >= 0x80 read from a pipe (notes/firebird.md §9).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { firebird } from '../../support/firebird.js';

const DATA_DIR = process.env.FIREBIRD_DATA_DIR ?? '/var/lib/firebird/3.0/data';

export type FixtureCharset = 'UTF8' | 'WIN1252' | 'ISO8859_1' | 'NONE';

export interface Fixture {
  /** Path to pass as the job spec's source.database. */
  database: string;
}

function isql(script: string, bytesCharset: string, connectionCharset: FixtureCharset, allowFailure = false): void {
  const dir = mkdtempSync(join(tmpdir(), 'etl-fb-fixture-'));
  const file = join(dir, 'script.sql');
  writeFileSync(file, iconv.encode(script, bytesCharset));
  try {
    execFileSync('isql-fb', ['-q', '-b', '-ch', connectionCharset, '-i', file], {
      env: { ...process.env, ISC_USER: firebird.user, ISC_PASSWORD: firebird.password },
      stdio: 'pipe',
    });
  } catch (err) {
    if (!allowFailure) throw new Error(`isql-fb failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? String(err)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * (Re)creates `etl_test_<name>.fdb` with the given default charset and runs `ddlAndData` in it.
 * `bytesCharset` is how non-ASCII text in the script is encoded on disk (for NONE databases: the
 * legacy charset the bytes should have).
 */
export function createFixtureDatabase(name: string, charset: FixtureCharset, ddlAndData: string, bytesCharset: string = charset === 'NONE' ? 'win1252' : charset === 'UTF8' ? 'utf8' : charset === 'WIN1252' ? 'win1252' : 'latin1'): Fixture {
  const path = `${DATA_DIR}/etl_test_${name}.fdb`;
  const target = `${firebird.host}/${firebird.port}:${path}`;
  isql(`connect '${target}';\ndrop database;\n`, 'utf8', 'UTF8', true);
  isql(`create database '${target}' page_size 8192 default character set ${charset};\n${ddlAndData}\ncommit;\n`, bytesCharset, charset);
  return { database: path };
}

/** Case C08's table: BIGINT id + VARCHAR(1000) of 1,000 characters (~1.2 KB as UTF-8), `rows` rows. */
export function c08TableSql(rows: number): string {
  return `create table BIGT (ID bigint not null primary key, TXT varchar(1000));
set term ^;
execute block as declare i integer = 1; begin
  while (i <= ${rows}) do begin
    insert into BIGT (ID, TXT) values (:i, rpad('Linha ' || :i || ' São João AÇÃO ', 1000, 'descrição '));
    i = i + 1; end
end^
set term ;^`;
}

