// The element table of the hash-based maps: key bytes -> element, in a stable order (first
// insertion; replacing an element keeps its place), with the kernel's BPF_MAP_GET_NEXT_KEY
// rule for hash maps: the key after `key`, and the first key when `key` is absent.

import { keyBytes, keyString } from "./bytes.js";

interface Node<E> {
  readonly key: string;
  elem: E;
  prev: Node<E> | undefined;
  next: Node<E> | undefined;
}

export class KeyedTable<E> {
  private readonly nodes = new Map<string, Node<E>>();
  private head: Node<E> | undefined;
  private tail: Node<E> | undefined;

  get size(): number {
    return this.nodes.size;
  }

  get(key: Uint8Array): E | undefined {
    return this.nodes.get(keyString(key))?.elem;
  }

  has(key: Uint8Array): boolean {
    return this.nodes.has(keyString(key));
  }

  /** Inserts at the end, or replaces the element in its place. */
  set(key: Uint8Array, elem: E): void {
    const k = keyString(key);
    const node = this.nodes.get(k);
    if (node) {
      node.elem = elem;
      return;
    }
    const added: Node<E> = { key: k, elem, prev: this.tail, next: undefined };
    if (this.tail) this.tail.next = added;
    else this.head = added;
    this.tail = added;
    this.nodes.set(k, added);
  }

  /** Removes and returns the element, if there was one. */
  delete(key: Uint8Array): E | undefined {
    const k = keyString(key);
    const node = this.nodes.get(k);
    if (!node) return undefined;
    this.nodes.delete(k);
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    return node.elem;
  }

  /** The key after `key`; the first key when `key` is undefined or absent; undefined at the end. */
  nextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    const node = key ? this.nodes.get(keyString(key)) : undefined;
    const next = node ? node.next : this.head;
    return next ? keyBytes(next.key) : undefined;
  }

  *entries(): IterableIterator<[Uint8Array, E]> {
    for (let n = this.head; n; n = n.next) yield [keyBytes(n.key), n.elem];
  }
}
