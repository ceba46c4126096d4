//! An anchored byte trie over the gazetteer's lowercased alias keys: built once from the sorted
//! keys (children of a node stored contiguously, sorted by byte), searched only at word starts.
//! It replaces a full Aho-Corasick automaton whose failure links an anchored search never uses.

const NO_PATTERN: u32 = u32::MAX;
/// Nodes with more children than this get a 256-slot child table instead of a search.
const DENSE_ABOVE: u16 = 8;

/// What a search needs of one node, packed so that a step touches one cache line.
#[derive(Debug, Default, Clone, Copy)]
struct Node {
    first_edge: u32,
    edge_count: u32,
    pattern: u32,
    /// Index of the node's 256-slot table in `dense`, or `NO_PATTERN`.
    dense: u32,
}

/// Compact trie: node `n` has `edge_count[n]` children at `edge_bytes/edge_targets[first_edge[n]..]`
/// (sorted by byte) and ends pattern `pattern[n]` (or none). The per-node arrays are used while
/// building; searches read the same facts from `nodes`.
#[derive(Debug, Default)]
pub(crate) struct AnchoredTrie {
    nodes: Vec<Node>,
    first_edge: Vec<u32>,
    edge_count: Vec<u16>,
    pattern: Vec<u32>,
    edge_bytes: Vec<u8>,
    edge_targets: Vec<u32>,
    /// Children of the root by byte (0 = none; the root is never a child).
    root: Vec<u32>,
    /// Per node: index of its 256-slot table in `dense` (nodes with many children), or
    /// `NO_PATTERN`.
    dense_index: Vec<u32>,
    /// Child tables by byte (0 = none) of the nodes listed in `dense_index`.
    dense: Vec<u32>,
}

impl AnchoredTrie {
    /// Builds the trie; `patterns[i]` is pattern `i`. Empty patterns are ignored; duplicate
    /// patterns keep the lowest index.
    pub fn new(patterns: &[String]) -> Self {
        let mut order: Vec<u32> = (0..patterns.len() as u32)
            .filter(|&index| !patterns[index as usize].is_empty())
            .collect();
        order.sort_unstable_by(|&left, &right| {
            patterns[left as usize]
                .as_bytes()
                .cmp(patterns[right as usize].as_bytes())
                .then(left.cmp(&right))
        });
        let keys: Vec<&[u8]> = order
            .iter()
            .map(|&index| patterns[index as usize].as_bytes())
            .collect();
        let total: usize = keys.iter().map(|key| key.len()).sum();
        let mut trie = Self {
            first_edge: Vec::with_capacity(total / 2),
            edge_count: Vec::with_capacity(total / 2),
            pattern: Vec::with_capacity(total / 2),
            edge_bytes: Vec::with_capacity(total / 2),
            edge_targets: Vec::with_capacity(total / 2),
            root: vec![0; 256],
            nodes: Vec::new(),
            dense_index: Vec::new(),
            dense: Vec::new(),
        };
        // Depth-first from a work stack of (node, key range, depth): a node's children are
        // created together when it is popped, so its edges are contiguous.
        trie.first_edge.push(0);
        trie.edge_count.push(0);
        trie.pattern.push(NO_PATTERN);
        let mut stack: Vec<(u32, usize, usize, usize)> = vec![(0, 0, keys.len(), 0)];
        while let Some((node, mut low, high, depth)) = stack.pop() {
            // A key ending here is the pattern of this node (the lowest index among duplicates).
            if low < high && keys[low].len() == depth {
                trie.pattern[node as usize] = order[low];
                while low < high && keys[low].len() == depth {
                    low += 1;
                }
            }
            trie.first_edge[node as usize] = trie.edge_bytes.len() as u32;
            let mut children = 0u16;
            let mut cursor = low;
            while cursor < high {
                let byte = keys[cursor][depth];
                let mut group_end = cursor + 1;
                while group_end < high && keys[group_end][depth] == byte {
                    group_end += 1;
                }
                let child = trie.pattern.len() as u32;
                trie.pattern.push(NO_PATTERN);
                trie.first_edge.push(0);
                trie.edge_count.push(0);
                trie.edge_bytes.push(byte);
                trie.edge_targets.push(child);
                children += 1;
                if node == 0 {
                    trie.root[byte as usize] = child;
                }
                stack.push((child, cursor, group_end, depth + 1));
                cursor = group_end;
            }
            trie.edge_count[node as usize] = children;
        }
        trie.dense_index = vec![NO_PATTERN; trie.pattern.len()];
        for node in 1..trie.pattern.len() {
            let count = trie.edge_count[node];
            if count <= DENSE_ABOVE {
                continue;
            }
            let table = trie.dense.len();
            trie.dense_index[node] = (table / 256) as u32;
            trie.dense.resize(table + 256, 0);
            let start = trie.first_edge[node] as usize;
            for edge in start..start + usize::from(count) {
                trie.dense[table + usize::from(trie.edge_bytes[edge])] = trie.edge_targets[edge];
            }
        }
        trie.nodes = (0..trie.pattern.len())
            .map(|node| Node {
                first_edge: trie.first_edge[node],
                edge_count: u32::from(trie.edge_count[node]),
                pattern: trie.pattern[node],
                dense: trie.dense_index[node],
            })
            .collect();
        trie.first_edge = Vec::new();
        trie.edge_count = Vec::new();
        trie.pattern = Vec::new();
        trie.dense_index = Vec::new();
        trie
    }

    #[inline]
    fn child(&self, node: u32, byte: u8) -> Option<u32> {
        if node == 0 {
            let child = self.root[byte as usize];
            return (child != 0).then_some(child);
        }
        let entry = self.nodes[node as usize];
        if entry.dense != NO_PATTERN {
            let child = self.dense[entry.dense as usize * 256 + usize::from(byte)];
            return (child != 0).then_some(child);
        }
        let start = entry.first_edge as usize;
        let end = start + entry.edge_count as usize;
        let position = self.edge_bytes[start..end]
            .iter()
            .position(|&candidate| candidate == byte)?;
        Some(self.edge_targets[start + position])
    }

    /// Calls `found(end, pattern)` for every pattern that `text[start..]` begins with, longest
    /// first, until it returns true; returns whether one did.
    pub fn longest_first(
        &self,
        text: &[u8],
        start: usize,
        mut found: impl FnMut(usize, u32) -> bool,
    ) -> bool {
        let mut ends: [(usize, u32); 16] = [(0, 0); 16];
        let mut count = 0usize;
        let mut overflow: Vec<(usize, u32)> = Vec::new();
        let mut node = 0u32;
        for (offset, &byte) in text[start..].iter().enumerate() {
            let Some(next) = self.child(node, byte) else {
                break;
            };
            node = next;
            let pattern = self.nodes[node as usize].pattern;
            if pattern != NO_PATTERN {
                let end = start + offset + 1;
                if count < ends.len() {
                    ends[count] = (end, pattern);
                    count += 1;
                } else {
                    overflow.push((end, pattern));
                }
            }
        }
        for &(end, pattern) in overflow.iter().rev() {
            if found(end, pattern) {
                return true;
            }
        }
        ends[..count]
            .iter()
            .rev()
            .any(|&(end, pattern)| found(end, pattern))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_all_prefix_patterns_longest_first() {
        let patterns: Vec<String> = [
            "bank",
            "bank of england",
            "banks",
            "b",
            "ban",
            "x",
            "",
            "ba",
            "bb",
            "bc",
            "bd",
            "be",
            "bf",
            "bg",
            "bh",
            "bi",
        ]
        .iter()
        .map(|text| text.to_string())
        .collect();
        let trie = AnchoredTrie::new(&patterns);
        let mut seen = Vec::new();
        let text = b"the bank of england said";
        let accepted = trie.longest_first(text, 4, |end, pattern| {
            seen.push((end, pattern));
            false
        });
        assert!(!accepted);
        assert_eq!(seen, vec![(19, 1), (8, 0), (7, 4), (6, 7), (5, 3)]);
        assert!(trie.longest_first(b"x", 0, |end, pattern| end == 1 && pattern == 5));
        assert!(!trie.longest_first(b"zzz", 0, |_, _| true));
        // "b" has more than eight children, so it is searched through its dense table.
        assert!(trie.nodes.iter().any(|node| node.dense != NO_PATTERN));
        assert!(trie.longest_first(b"bi", 0, |end, pattern| end == 2 && pattern == 15));
    }
}
