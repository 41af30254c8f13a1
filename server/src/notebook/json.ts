/**
 * A JSON parser that keeps where each value is in the text, so that a notebook's cell sources can be
 * replaced in place and every other byte (outputs, metadata, indentation, key order) stays as it was.
 */

export type JsonNode =
  | { kind: 'object'; start: number; end: number; entries: Map<string, JsonNode> }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'number' | 'true' | 'false' | 'null'; start: number; end: number };

/** Where and why a text is not JSON. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export function parseJson(text: string): JsonNode {
  const parser = new Parser(text);
  parser.skipBlanks();
  const value = parser.value(0);
  parser.skipBlanks();
  if (parser.offset < text.length) throw new JsonSyntaxError('unexpected text after the JSON value', parser.offset);
  return value;
}

/** The line and column (1-based) of an offset, for error messages. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  offset = 0;

  constructor(private readonly text: string) {}

  skipBlanks(): void {
    const text = this.text;
    while (this.offset < text.length) {
      const code = text.charCodeAt(this.offset);
      if (code !== 32 && code !== 9 && code !== 10 && code !== 13) break;
      this.offset++;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError('nested too deeply', this.offset);
    const start = this.offset;
    const char = this.text[start];
    switch (char) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return { kind: 'string', start, value: this.string(), end: this.offset };
      case 't':
        return this.literal('true');
      case 'f':
        return this.literal('false');
      case 'n':
        return this.literal('null');
      default: {
        NUMBER.lastIndex = start;
        const match = NUMBER.exec(this.text);
        if (!match)
          throw new JsonSyntaxError(
            char === undefined ? 'unexpected end of the text' : `unexpected character ${JSON.stringify(char)}`,
            start,
          );
        this.offset += match[0].length;
        return { kind: 'number', start, end: this.offset };
      }
    }
  }

  private literal(word: 'true' | 'false' | 'null'): JsonNode {
    const start = this.offset;
    if (!this.text.startsWith(word, start)) throw new JsonSyntaxError(`unexpected character ${JSON.stringify(this.text[start])}`, start);
    this.offset += word.length;
    return { kind: word, start, end: this.offset };
  }

  private object(depth: number): JsonNode {
    const start = this.offset++;
    const entries = new Map<string, JsonNode>();
    this.skipBlanks();
    if (this.text[this.offset] === '}') {
      this.offset++;
      return { kind: 'object', start, end: this.offset, entries };
    }
    for (;;) {
      this.skipBlanks();
      if (this.text[this.offset] !== '"') throw new JsonSyntaxError('expected a property name in double quotes', this.offset);
      const key = this.string();
      this.skipBlanks();
      this.expect(':');
      this.skipBlanks();
      entries.set(key, this.value(depth + 1));
      this.skipBlanks();
      if (this.text[this.offset] === ',') {
        this.offset++;
        continue;
      }
      this.expect('}');
      return { kind: 'object', start, end: this.offset, entries };
    }
  }

  private array(depth: number): JsonNode {
    const start = this.offset++;
    const items: JsonNode[] = [];
    this.skipBlanks();
    if (this.text[this.offset] === ']') {
      this.offset++;
      return { kind: 'array', start, end: this.offset, items };
    }
    for (;;) {
      this.skipBlanks();
      items.push(this.value(depth + 1));
      this.skipBlanks();
      if (this.text[this.offset] === ',') {
        this.offset++;
        continue;
      }
      this.expect(']');
      return { kind: 'array', start, end: this.offset, items };
    }
  }

  private string(): string {
    const start = this.offset;
    const text = this.text;
    let end = start + 1;
    for (;;) {
      if (end >= text.length) throw new JsonSyntaxError('unterminated string', start);
      const code = text.charCodeAt(end);
      if (code === 34) break;
      if (code === 92) end++;
      else if (code < 32) throw new JsonSyntaxError('control character in a string', end);
      end++;
    }
    this.offset = end + 1;
    try {
      return JSON.parse(text.slice(start, end + 1)) as string;
    } catch {
      throw new JsonSyntaxError('invalid escape in a string', start);
    }
  }

  private expect(char: string): void {
    if (this.text[this.offset] !== char) {
      const found = this.text[this.offset];
      throw new JsonSyntaxError(
        `expected ${JSON.stringify(char)}, found ${found === undefined ? 'the end of the text' : JSON.stringify(found)}`,
        this.offset,
      );
    }
    this.offset++;
  }
}
