/** A small Dockerfile reader for the image tests (no Docker engine exists on these machines). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './tools.js';

export interface Instruction {
  keyword: string;
  args: string;
}
export interface Stage {
  base: string;
  name: string;
  instructions: Instruction[];
}

/** Joins `\` continuations, drops comments, splits into stages at FROM. */
export function parseDockerfile(file: string): { preamble: Instruction[]; stages: Stage[] } {
  const logical = readFileSync(path.join(REPO_ROOT, file), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') {
      const [, base, name] = /^(\S+)(?: AS (\S+))?$/i.exec(instruction.args)!;
      stages.push({ base, name: name ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0) {
      preamble.push(instruction);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { preamble, stages };
}

/** Arguments of every `keyword` instruction of a stage, in order. */
export const args = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

