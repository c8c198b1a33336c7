//! How (context, response) pairs become token sequences.
//!
//! Cross-encoder: `[CLS] u1 SEP u2 SEP … un PAIR response [SEP]`, where SEP
//! is the turn separator and PAIR the tokenizer's pair separator (`[SEP]`
//! for BERT and ELECTRA, `</s></s>` for RoBERTa, as HF's pair template).
//! Token types: 0 up to and including PAIR, 1 for the response and the
//! final separator (when the model has two types). Too long: the oldest
//! context tokens go first; the response is kept whole unless it alone does
//! not fit, in which case its end is cut.
//!
//! Bi-encoder: `[CLS] prefix + text [SEP]` for each side; a context that does
//! not fit keeps its prefix and its most recent tokens, a response its start.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Template {
    pub cls: i64,
    pub sep: i64,
    pub pad: i64,
    pub turn_separator: Vec<i64>,
    pub pair_separator: Vec<i64>,
    pub max_length: usize,
    pub two_token_types: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub ids: Vec<i64>,
    pub types: Vec<i64>,
}

impl Template {
    pub fn cross(&self, utterances: &[&[i64]], response: &[i64]) -> Encoded {
        let fixed = 2 + self.pair_separator.len();
        let budget = self.max_length.saturating_sub(fixed);
        let response = &response[..response.len().min(budget)];
        let context_budget = budget - response.len();

        let mut context: Vec<i64> = Vec::new();
        for (i, u) in utterances.iter().enumerate() {
            if i > 0 {
                context.extend_from_slice(&self.turn_separator);
            }
            context.extend_from_slice(u);
        }
        if context.len() > context_budget {
            context.drain(..context.len() - context_budget);
            // A cut that leaves a separator first would start on an empty turn.
            while !self.turn_separator.is_empty() && context.starts_with(&self.turn_separator) {
                context.drain(..self.turn_separator.len());
            }
        }
        let mut ids = Vec::with_capacity(fixed + context.len() + response.len());
        ids.push(self.cls);
        ids.extend_from_slice(&context);
        ids.extend_from_slice(&self.pair_separator);
        let first_len = ids.len();
        ids.extend_from_slice(response);
        ids.push(self.sep);
        let second = if self.two_token_types { 1 } else { 0 };
        let types = (0..ids.len()).map(|i| if i < first_len { 0 } else { second }).collect();
        Encoded { ids, types }
    }

    /// One side of a bi-encoder. `joined` tokenises prefix and text together;
    /// `parts` gives them apart for when the whole does not fit.
    pub fn single(&self, joined: &[i64], prefix: &[i64], text: &[i64], keep_end: bool) -> Encoded {
        let budget = self.max_length.saturating_sub(2);
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
        let mut ids = Vec::with_capacity(body.len() + 2);
        ids.push(self.cls);
        ids.extend(body);
        ids.push(self.sep);
        let types = vec![0; ids.len()];
        Encoded { ids, types }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bert(max_length: usize) -> Template {
        Template {
            cls: 101,
            sep: 102,
            pad: 0,
            turn_separator: vec![102],
            pair_separator: vec![102],
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
        // A cut landing just after a separator drops the separator too.
        let e = bert(9).cross(&[&[1, 2], &[3, 4], &[5, 6]], &[7, 8, 9]);
        assert_eq!(e.ids, vec![101, 5, 6, 102, 7, 8, 9, 102]);
    }

    #[test]
    fn cross_cuts_a_response_that_cannot_fit() {
        let e = bert(6).cross(&[&[1, 2]], &[3, 4, 5, 6, 7]);
        assert_eq!(e.ids, vec![101, 102, 3, 4, 5, 102]);
    }

    #[test]
    fn roberta_pair_separator_and_single_type() {
        let t = Template {
            cls: 0,
            sep: 2,
            pad: 1,
            turn_separator: vec![2],
            pair_separator: vec![2, 2],
            max_length: 64,
            two_token_types: false,
        };
        let e = t.cross(&[&[10], &[11]], &[12]);
        assert_eq!(e.ids, vec![0, 10, 2, 11, 2, 2, 12, 2]);
        assert!(e.types.iter().all(|&t| t == 0));
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
    }
}
