//! Length-sorted batches under a padded-token budget (dynamic padding).

use tch::{Device, Kind, Tensor};

use super::template::Encoded;
use super::ModelError;

/// Groups input indices into batches: longest first, each batch's
/// `count × longest` at most `budget` tokens (at least one input per batch).
pub fn plan(lengths: &[usize], budget: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by(|&a, &b| lengths[b].cmp(&lengths[a]).then(a.cmp(&b)));
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut longest = 0;
    for i in order {
        let l = lengths[i].max(1);
        let new_longest = longest.max(l);
        if !current.is_empty() && (current.len() + 1) * new_longest > budget {
            batches.push(std::mem::take(&mut current));
            longest = 0;
        }
        longest = longest.max(l);
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// Pads the inputs of one batch: (ids, token types, attention mask), `[B, L]` int64.
pub fn pad(
    inputs: &[Encoded],
    group: &[usize],
    pad_id: i64,
    device: Device,
) -> Result<(Tensor, Tensor, Tensor), ModelError> {
    let l = group.iter().map(|&i| inputs[i].ids.len()).max().unwrap_or(0);
    let b = group.len();
    let mut ids = vec![pad_id; b * l];
    let mut types = vec![0i64; b * l];
    let mut mask = vec![0i64; b * l];
    for (row, &i) in group.iter().enumerate() {
        let e = &inputs[i];
        let start = row * l;
        ids[start..start + e.ids.len()].copy_from_slice(&e.ids);
        types[start..start + e.types.len()].copy_from_slice(&e.types);
        mask[start..start + e.ids.len()].iter_mut().for_each(|m| *m = 1);
    }
    let shape = [b as i64, l as i64];
    let t = |v: Vec<i64>| -> Result<Tensor, ModelError> {
        Ok(Tensor::from_slice(&v)
            .f_view(shape)?
            .f_to_kind(Kind::Int64)?
            .f_to_device(device)?)
    };
    Ok((t(ids)?, t(types)?, t(mask)?))
}

#[cfg(test)]
mod tests {
    use super::plan;

    #[test]
    fn batches_are_length_sorted_and_within_budget() {
        let lengths = [5, 100, 7, 50, 6, 99];
        let batches = plan(&lengths, 200);
        assert_eq!(batches, vec![vec![1, 5], vec![3, 2, 4, 0]]);
        for b in &batches {
            let longest = b.iter().map(|&i| lengths[i]).max().unwrap();
            assert!(b.len() * longest <= 200);
        }
        // An input longer than the budget still gets a batch of its own.
        assert_eq!(plan(&[500, 3], 100), vec![vec![0], vec![1]]);
    }
}
