package haystack.api;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;

/**
 * A persistent AVL tree of values by string key: an update copies the path from the root
 * to the key (about log2(n) nodes) and shares every other node with the tree it came
 * from, so a snapshot of 100,000 endpoints costs a change a few dozen small objects, and
 * two trees, one derived from the other, are compared by skipping the subtrees they
 * share. The empty tree is {@code null}; nodes are immutable (final fields), so a tree is
 * safe to read from any thread once published.
 */
final class SortedTree {

    private SortedTree() {
    }

    static final class Node<V> {
        final String key;
        final V value;
        final Node<V> left;
        final Node<V> right;
        final int height;
        final int size;

        Node(String key, V value, Node<V> left, Node<V> right) {
            this.key = key;
            this.value = value;
            this.left = left;
            this.right = right;
            this.height = 1 + Math.max(height(left), height(right));
            this.size = 1 + size(left) + size(right);
        }
    }

    static int size(Node<?> n) {
        return n == null ? 0 : n.size;
    }

    private static int height(Node<?> n) {
        return n == null ? 0 : n.height;
    }

    static <V> V get(Node<V> n, String key) {
        while (n != null) {
            int c = key.compareTo(n.key);
            if (c == 0) {
                return n.value;
            }
            n = c < 0 ? n.left : n.right;
        }
        return null;
    }

    /** The tree with {@code key} mapped to {@code value}; the same tree when it already was (by reference). */
    static <V> Node<V> put(Node<V> n, String key, V value) {
        if (n == null) {
            return new Node<>(key, value, null, null);
        }
        int c = key.compareTo(n.key);
        if (c < 0) {
            Node<V> l = put(n.left, key, value);
            return l == n.left ? n : balance(n.key, n.value, l, n.right);
        }
        if (c > 0) {
            Node<V> r = put(n.right, key, value);
            return r == n.right ? n : balance(n.key, n.value, n.left, r);
        }
        return n.value == value ? n : new Node<>(key, value, n.left, n.right);
    }

    /** The tree without {@code key}; the same tree when it had none. */
    static <V> Node<V> remove(Node<V> n, String key) {
        if (n == null) {
            return null;
        }
        int c = key.compareTo(n.key);
        if (c < 0) {
            Node<V> l = remove(n.left, key);
            return l == n.left ? n : balance(n.key, n.value, l, n.right);
        }
        if (c > 0) {
            Node<V> r = remove(n.right, key);
            return r == n.right ? n : balance(n.key, n.value, n.left, r);
        }
        if (n.left == null) {
            return n.right;
        }
        if (n.right == null) {
            return n.left;
        }
        Node<V> min = n.right;
        while (min.left != null) {
            min = min.left;
        }
        return balance(min.key, min.value, n.left, removeMin(n.right));
    }

    private static <V> Node<V> removeMin(Node<V> n) {
        if (n.left == null) {
            return n.right;
        }
        return balance(n.key, n.value, removeMin(n.left), n.right);
    }

    /** A node over two subtrees whose heights differ by at most two, rotated back to AVL shape. */
    private static <V> Node<V> balance(String key, V value, Node<V> l, Node<V> r) {
        int hl = height(l);
        int hr = height(r);
        if (hl > hr + 1) {
            if (height(l.left) >= height(l.right)) {
                return new Node<>(l.key, l.value, l.left, new Node<>(key, value, l.right, r));
            }
            Node<V> lr = l.right;
            return new Node<>(lr.key, lr.value, new Node<>(l.key, l.value, l.left, lr.left), new Node<>(key, value, lr.right, r));
        }
        if (hr > hl + 1) {
            if (height(r.right) >= height(r.left)) {
                return new Node<>(r.key, r.value, new Node<>(key, value, l, r.left), r.right);
            }
            Node<V> rl = r.left;
            return new Node<>(rl.key, rl.value, new Node<>(key, value, l, rl.left), new Node<>(r.key, r.value, rl.right, r.right));
        }
        return new Node<>(key, value, l, r);
    }

    /** A balanced tree of {@code keys[from..to)}, which must be sorted and distinct, with their values. */
    static <V> Node<V> build(String[] keys, List<V> values, int from, int to) {
        if (from >= to) {
            return null;
        }
        int mid = (from + to) >>> 1;
        return new Node<>(keys[mid], values.get(mid), build(keys, values, from, mid), build(keys, values, mid + 1, to));
    }

    /** The value at position {@code index} in key order. */
    static <V> V at(Node<V> n, int index) {
        if (index < 0 || index >= size(n)) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size(n));
        }
        while (true) {
            int left = size(n.left);
            if (index < left) {
                n = n.left;
            } else if (index == left) {
                return n.value;
            } else {
                index -= left + 1;
                n = n.right;
            }
        }
    }

    /** The values in key order, as an unmodifiable list (get by index costs log n). */
    static <V> List<V> values(Node<V> root) {
        return new AbstractList<>() {
            @Override
            public V get(int index) {
                return at(root, index);
            }

            @Override
            public int size() {
                return SortedTree.size(root);
            }

            @Override
            public Iterator<V> iterator() {
                return new InOrder<>(root);
            }

            @Override
            public void forEach(java.util.function.Consumer<? super V> action) {
                forEachValue(root, action);
            }
        };
    }

    private static <V> void forEachValue(Node<V> n, java.util.function.Consumer<? super V> action) {
        while (n != null) {
            forEachValue(n.left, action);
            action.accept(n.value);
            n = n.right;
        }
    }

    /** In-order values: a stack of the nodes whose left subtree is being walked (at most the height). */
    private static final class InOrder<V> implements Iterator<V> {
        @SuppressWarnings("unchecked")
        private final Node<V>[] stack = new Node[64]; // an AVL tree of 2^31 nodes is less than 45 high
        private int top;

        InOrder(Node<V> root) {
            pushLeft(root);
        }

        private void pushLeft(Node<V> n) {
            for (; n != null; n = n.left) {
                stack[top++] = n;
            }
        }

        @Override
        public boolean hasNext() {
            return top > 0;
        }

        @Override
        public V next() {
            if (top == 0) {
                throw new NoSuchElementException();
            }
            Node<V> n = stack[--top];
            pushLeft(n.right);
            return n.value;
        }
    }

    /**
     * Calls {@code changed(old, now)} for every key whose value differs (by reference)
     * between {@code before} and {@code after}, in key order: {@code old} null for a key
     * only {@code after} has, {@code now} null for one only {@code before} has. Subtrees
     * both trees share are skipped whole, so comparing a tree with the one it was derived
     * from by k updates costs about k·log n.
     */
    static <V> void diff(Node<V> before, Node<V> after, BiConsumer<V, V> changed) {
        Cursor<V> a = new Cursor<>(before);
        Cursor<V> b = new Cursor<>(after);
        while (!a.empty() && !b.empty()) {
            Node<V> x = a.peek();
            Node<V> y = b.peek();
            boolean wholeX = a.peekWhole();
            boolean wholeY = b.peekWhole();
            if (wholeX && wholeY && x == y) {
                a.pop();
                b.pop();
            } else if (wholeX && (!wholeY || x.size >= y.size)) {
                a.expand();
            } else if (wholeY) {
                b.expand();
            } else {
                int c = x.key.compareTo(y.key);
                if (c == 0) {
                    if (x.value != y.value) {
                        changed.accept(x.value, y.value);
                    }
                    a.pop();
                    b.pop();
                } else if (c < 0) {
                    changed.accept(x.value, null);
                    a.pop();
                } else {
                    changed.accept(null, y.value);
                    b.pop();
                }
            }
        }
        for (a.descendToNode(); !a.empty(); a.descendToNode()) {
            changed.accept(a.pop().value, null);
        }
        for (b.descendToNode(); !b.empty(); b.descendToNode()) {
            changed.accept(null, b.pop().value);
        }
    }

    /**
     * An in-order walk as a stack whose top is what comes next: either a whole subtree not
     * yet looked into, or a single node whose left subtree is done.
     */
    private static final class Cursor<V> {
        @SuppressWarnings("unchecked")
        private Node<V>[] nodes = new Node[16];
        private boolean[] whole = new boolean[16];
        private int top;

        Cursor(Node<V> root) {
            if (root != null) {
                push(root, true);
            }
        }

        boolean empty() {
            return top == 0;
        }

        Node<V> peek() {
            return nodes[top - 1];
        }

        boolean peekWhole() {
            return whole[top - 1];
        }

        Node<V> pop() {
            Node<V> n = nodes[--top];
            nodes[top] = null;
            return n;
        }

        /** Replaces the whole subtree on top by its right subtree, its root alone, and its left subtree. */
        void expand() {
            Node<V> n = pop();
            if (n.right != null) {
                push(n.right, true);
            }
            push(n, false);
            if (n.left != null) {
                push(n.left, true);
            }
        }

        /** Expands until a single node is on top (or nothing is left). */
        void descendToNode() {
            while (top > 0 && whole[top - 1]) {
                expand();
            }
        }

        private void push(Node<V> n, boolean isWhole) {
            if (top == nodes.length) {
                nodes = Arrays.copyOf(nodes, top * 2);
                whole = Arrays.copyOf(whole, top * 2);
            }
            nodes[top] = n;
            whole[top] = isWhole;
            top++;
        }
    }
}
