// The global types the TypeScript checker needs when tsbpf compiles a program with `noLib`:
// BPF programs use none of JavaScript's runtime library, and leaving lib.es*.d.ts out makes
// each compilation several times faster. (Users' own editors and `tsc` keep their usual libs.)

interface Array<T> {
  length: number;
  [n: number]: T;
}
interface ReadonlyArray<T> {
  readonly length: number;
  readonly [n: number]: T;
}
interface Boolean {}
interface Function {}
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface IArguments {}
interface Number {}
interface Object {}
interface RegExp {}
interface String {}
interface Symbol {}
interface BigInt {}
interface SymbolConstructor {
  readonly iterator: unique symbol;
}
declare var Symbol: SymbolConstructor;
interface TemplateStringsArray extends ReadonlyArray<string> {}
interface Promise<T> {}
interface PromiseLike<T> {}
type Partial<T> = { [P in keyof T]?: T[P] };
type Readonly<T> = { readonly [P in keyof T]: T[P] };
type Record<K extends keyof any, T> = { [P in K]: T };
type NonNullable<T> = T & {};
