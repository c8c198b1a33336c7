//! How (context, response) pairs become token sequences.
//!
//! The special tokens are the tokenizer's own: where `tokenizer.json` has a
//! post-processor, its pair and single layouts are read off it (what
//! `tokenizer(a, b)` does in Python: `[CLS] a [SEP] b [SEP]` for BERT and
//! ELECTRA, `<s> a </s></s> b </s>` for RoBERTa / XLM-R, and a KLUE-style
//! RoBERTa with a WordPiece vocabulary gets BERT's). A `vocab.txt` tokenizer
//! has BERT's layout.
//!
//! Cross-encoder: the context turns joined by the turn separator are the
//! first segment, the response the second; token types as the tokenizer
//! gives them (when the model has two). Too long: the oldest context tokens
//! go first, exactly as HF's `truncation="only_first"` with
//! `truncation_side="left"`; the response is kept whole unless it alone does
//! not fit, in which case its end is cut.
//!
//! Bi-encoder: the single layout around `prefix + text` for each side; a
//! context that does not fit keeps its prefix and its most recent tokens, a
//! response its start.

use serde::Serialize;

/// Special tokens at one place in a layout, with their token types.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Specials {
    pub ids: Vec<i64>,
    pub types: Vec<i64>,
}

impl Specials {
    pub fn of(ids: &[i64], kind: i64) -> Specials {
        Specials {
            ids: ids.to_vec(),
            types: vec![kind; ids.len()],
        }
    }
}

/// Where a tokenizer puts its special tokens around one segment or two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layout {
    /// `single[0] A single[1]`.
    pub single: [Specials; 2],
    /// `pair[0] A pair[1] B pair[2]`.
    pub pair: [Specials; 3],
    /// Token types of the first and the second segment's own tokens.
    pub segment_types: [i64; 2],
}

impl Layout {
    /// `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`, B and its `[SEP]` typed 1.
    pub fn bert(cls: i64, sep: i64) -> Layout {
        Layout {
            single: [Specials::of(&[cls], 0), Specials::of(&[sep], 0)],
            pair: [
                Specials::of(&[cls], 0),
                Specials::of(&[sep], 0),
                Specials::of(&[sep], 1),
            ],
            segment_types: [0, 1],
        }
    }

    /// `<s> A </s>` and `<s> A </s></s> B </s>`, all typed 0.
    pub fn roberta(cls: i64, sep: i64) -> Layout {
        Layout {
            single: [Specials::of(&[cls], 0), Specials::of(&[sep], 0)],
            pair: [
                Specials::of(&[cls], 0),
                Specials::of(&[sep, sep], 0),
                Specials::of(&[sep], 0),
            ],
            segment_types: [0, 0],
        }
    }

    fn pair_overhead(&self) -> usize {
        self.pair.iter().map(|s| s.ids.len()).sum()
    }

    fn single_overhead(&self) -> usize {
        self.single.iter().map(|s| s.ids.len()).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Template {
    pub layout: Layout,
    pub pad: i64,
    pub turn_separator: Vec<i64>,
    pub max_length: usize,
    /// False when the model has a single token type: every type is then 0.
    pub two_token_types: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Encoded {
    pub ids: Vec<i64>,
    pub types: Vec<i64>,
}

/// Builds one sequence piece by piece.
#[derive(Default)]
struct Builder {
    out: Encoded,
}

impl Builder {
    fn specials(mut self, s: &Specials) -> Self {
        self.out.ids.extend_from_slice(&s.ids);
        self.out.types.extend_from_slice(&s.types);
        self
    }

    fn segment(mut self, ids: &[i64], kind: i64) -> Self {
        self.out.ids.extend_from_slice(ids);
        self.out.types.extend(std::iter::repeat_n(kind, ids.len()));
        self
    }

    /// A model with a single token type gets zeros, whatever the tokenizer says.
    fn finish(mut self, two_token_types: bool) -> Encoded {
        if !two_token_types {
            self.out.types.fill(0);
        }
        self.out
    }
}

impl Template {
    pub fn cross(&self, utterances: &[&[i64]], response: &[i64]) -> Encoded {
        let layout = &self.layout;
        let budget = self.max_length.saturating_sub(layout.pair_overhead());
        let response = &response[..response.len().min(budget)];
        let context_budget = budget - response.len();

        let mut context: Vec<i64> = Vec::new();
        for (i, u) in utterances.iter().enumerate() {
            if i > 0 {
                context.extend_from_slice(&self.turn_separator);
            }
            context.extend_from_slice(u);
        }
        let context = &context[context.len().saturating_sub(context_budget)..];
        Builder::default()
            .specials(&layout.pair[0])
            .segment(context, layout.segment_types[0])
            .specials(&layout.pair[1])
            .segment(response, layout.segment_types[1])
            .specials(&layout.pair[2])
            .finish(self.two_token_types)
    }

    /// Whether `tokens` fit one bi-encoder side without truncation.
    pub fn single_fits(&self, tokens: usize) -> bool {
        tokens + self.layout.single_overhead() <= self.max_length
    }

    /// One side of a bi-encoder. `joined` tokenises prefix and text together;
    /// `parts` gives them apart for when the whole does not fit.
    pub fn single(&self, joined: &[i64], prefix: &[i64], text: &[i64], keep_end: bool) -> Encoded {
        let layout = &self.layout;
        let budget = self.max_length.saturating_sub(layout.single_overhead());
        let body: Vec<i64> = if joined.len() <= budget {
            joined.to_vec()
        } else {
            let room = budget.saturating_sub(prefix.len());
            let kept = if keep_end {
                &text[text.len().saturating_sub(room)..]
            } else {
                &text[..text.len().min(room)]
            };
            prefix.iter().chain(kept).copied().take(budget).collect()
        };
        Builder::default()
            .specials(&layout.single[0])
            .segment(&body, layout.segment_types[0])
            .specials(&layout.single[1])
            .finish(self.two_token_types)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bert(max_length: usize) -> Template {
        Template {
            layout: Layout::bert(101, 102),
            pad: 0,
            turn_separator: vec![102],
            max_length,
            two_token_types: true,
        }
    }

    #[test]
    fn cross_layout_and_token_types() {
        let e = bert(64).cross(&[&[1, 2], &[3]], &[4, 5]);
        assert_eq!(e.ids, vec![101, 1, 2, 102, 3, 102, 4, 5, 102]);
        assert_eq!(e.types, vec![0, 0, 0, 0, 0, 0, 1, 1, 1]);
    }

    #[test]
    fn cross_drops_oldest_context_first_and_keeps_response() {
        // Budget 10 - 3 = 7 tokens: response 3, context 4 of [1,2,102,3,4,102,5,6].
        let e = bert(10).cross(&[&[1, 2], &[3, 4], &[5, 6]], &[7, 8, 9]);
        assert_eq!(e.ids, vec![101, 4, 102, 5, 6, 102, 7, 8, 9, 102]);
        // As HF's left truncation: a cut just after a separator keeps it.
        let e = bert(12).cross(&[&[1, 2], &[3, 4], &[5, 6]], &[7, 8, 9]);
        assert_eq!(e.ids, vec![101, 102, 3, 4, 102, 5, 6, 102, 7, 8, 9, 102]);
    }

    #[test]
    fn cross_cuts_a_response_that_cannot_fit() {
        let e = bert(6).cross(&[&[1, 2]], &[3, 4, 5, 6, 7]);
        assert_eq!(e.ids, vec![101, 102, 3, 4, 5, 102]);
    }

    #[test]
    fn roberta_pair_separator_and_single_type() {
        let t = Template {
            layout: Layout::roberta(0, 2),
            pad: 1,
            turn_separator: vec![2],
            max_length: 64,
            two_token_types: false,
        };
        let e = t.cross(&[&[10], &[11]], &[12]);
        assert_eq!(e.ids, vec![0, 10, 2, 11, 2, 2, 12, 2]);
        assert!(e.types.iter().all(|&t| t == 0));
    }

    #[test]
    fn a_model_with_one_token_type_gets_zeros_whatever_the_tokenizer_says() {
        let mut t = bert(64);
        t.two_token_types = false;
        let e = t.cross(&[&[1]], &[2]);
        assert_eq!(e.ids, vec![101, 1, 102, 2, 102]);
        assert_eq!(e.types, vec![0; 5]);
    }

    #[test]
    fn single_keeps_prefix_and_recent_tokens() {
        let t = bert(6);
        let e = t.single(&[50, 1, 2, 3, 4, 5], &[50], &[1, 2, 3, 4, 5], true);
        assert_eq!(e.ids, vec![101, 50, 3, 4, 5, 102]);
        let e = t.single(&[50, 1, 2, 3, 4, 5], &[50], &[1, 2, 3, 4, 5], false);
        assert_eq!(e.ids, vec![101, 50, 1, 2, 3, 102]);
        let e = t.single(&[50, 1], &[50], &[1], false);
        assert_eq!(e.ids, vec![101, 50, 1, 102]);
        assert!(t.single_fits(4) && !t.single_fits(5));
    }
}
