import { describe, expect, it } from 'vitest';
import { unitAdd } from '../../cli/commands/unit-add';
import { addUnit } from '../../db/repositories/auth';
import { uniq } from '../helpers/servers';
import { runCli, useCliDatabase } from '../helpers/cli';

describe('unit:add follows the one rule for unit codes, and stores names in NFC', () => {
  const db = useCliDatabase();

  it('refuses a code no task could be led by', async () => {
    for (const code of ['sgtvt', 'S.GTVT', 'S-GTVT', 'X']) {
      const res = await runCli(unitAdd, ['--code', code, '--name', `Sở Giao thông vận tải ${uniq()}`]);
      expect(res.code, code).not.toBe(0);
      expect(res.stderr, code).toMatch(/mã đơn vị/);
      expect(await db.selectFrom('units').select('code').where('code', '=', code).executeTakeFirst(), code).toBeUndefined();
    }
  });

  it('stores a name typed in decomposed form as NFC, and finds its namesake so', async () => {
    const code = `SGTVT_${uniq().toUpperCase()}`;
    const name = `Sở Giao thông vận tải ${code}`;
    expect(await runCli(unitAdd, ['--code', code, '--name', name.normalize('NFD'), '--alias', 'Sở GTVT'.normalize('NFD')])).toMatchObject({
      code: 0,
    });
    const row = await db.selectFrom('units').select(['name', 'aliases']).where('code', '=', code).executeTakeFirstOrThrow();
    expect(row.name).toBe(name.normalize('NFC'));
    expect(row.aliases).toEqual(['Sở GTVT'.normalize('NFC')]);
    await expect(addUnit(db, { code: `${code}_2`, name: name.normalize('NFD') })).rejects.toThrow(`đã thuộc về đơn vị mã ${code}`);
  });
});
