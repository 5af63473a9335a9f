import { describe, expect, it } from 'vitest';
import en from './en.json';
import es from './es.json';

type Tree = { [key: string]: string | Tree };

/** Every leaf key, e.g. `marketing.kpi.spend` or `marketing.kpi.salesCount_one`. */
function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  );
}

function placeholders(tree: Tree): Map<string, string[]> {
  const result = new Map<string, string[]>();
  const walk = (node: Tree, prefix: string) => {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string') {
        result.set(`${prefix}${key}`, [...value.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort());
      } else walk(value, `${prefix}${key}.`);
    }
  };
  walk(tree, '');
  return result;
}

describe('locale files', () => {
  it('es.json and en.json have exactly the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(es).sort());
  });

  it('each translation uses the same {{placeholders}} in both languages', () => {
    const spanish = placeholders(es);
    const english = placeholders(en);
    const differing = [...spanish].filter(
      ([key, names]) => JSON.stringify(names) !== JSON.stringify(english.get(key)),
    );
    expect(differing).toEqual([]);
  });

  it('has no empty translation', () => {
    const empty = (tree: Tree) =>
      keys(tree).filter((key) => {
        const value = key.split('.').reduce<Tree | string>((node, part) => (node as Tree)[part]!, tree);
        return typeof value === 'string' && value.trim() === '';
      });
    expect(empty(es)).toEqual([]);
    expect(empty(en)).toEqual([]);
  });
});
