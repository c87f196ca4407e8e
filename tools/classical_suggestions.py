"""What classical variants of the learned suggestions reach on a multi-label file, with
scikit-learn: the ceiling `consultlens evaluate` is measured against.

Every variant is 5-fold cross-validated (folds shuffled by seed 0) on TF-IDF word 1-2-grams and
character 2-5-grams (min_df 2, sublinear tf) with one-vs-rest linear models, a label's own
comments weighted by the square root of how much rarer they are, and every comment given at least
its best label.

- Decision variants choose their threshold(s) by 3-fold cross-validation inside the training
  comments, as `evaluate` does: one threshold on SVM scores (C 0.5 and 0.2); SVM and logistic
  regression scores averaged; per-label Platt scaling with one probability threshold; a threshold
  that moves with the comment's log length; stacking (a second logistic regression per label over
  every label's held-out score and the log length).
- Representation variants (Snowball-stemmed word grams, 200 LSA dimensions appended, NBSVM) take
  the best single threshold on the test folds themselves: an upper bound on what they can reach.

    python3 tools/classical_suggestions.py ../shared/datasets/careopinion_multilabel_text_labels.csv

Needs numpy, pandas, scipy, scikit-learn and snowballstemmer; takes about 25 minutes on 2 cores.
"""

import re
import sys

import numpy as np
import pandas as pd
import snowballstemmer
from scipy.sparse import csr_matrix, hstack
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.preprocessing import MultiLabelBinarizer, normalize
from sklearn.svm import LinearSVC

STEMMER = snowballstemmer.stemmer("english")
WORD = re.compile(r"(?u)\b\w\w+\b")


def stemmed_grams(text):
    words = STEMMER.stemWords(WORD.findall(text.lower()))
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def features(train, test, stemmed=False, lsa_texts=None):
    words = TfidfVectorizer(
        analyzer=stemmed_grams if stemmed else "word",
        ngram_range=(1, 2),
        min_df=2,
        sublinear_tf=True,
    ).fit(train)
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
    ).fit(train)
    blocks = [[words.transform(train), chars.transform(train)], [words.transform(test), chars.transform(test)]]
    if lsa_texts is not None:
        topic_words = TfidfVectorizer(min_df=2, sublinear_tf=True, stop_words="english").fit(lsa_texts)
        svd = TruncatedSVD(200, random_state=0).fit(topic_words.transform(lsa_texts))
        for block, texts in zip(blocks, (train, test)):
            block.append(csr_matrix(normalize(svd.transform(topic_words.transform(texts)))))
    scale = np.sqrt(len(blocks[0]))
    return tuple(hstack(block).tocsr() / scale for block in blocks)


def positive_weight(y):
    return np.sqrt((len(y) - y.sum()) / y.sum())


def linear_scores(x_train, y_train, x_test, kind="svm", cost=0.5):
    scores = np.full((x_test.shape[0], y_train.shape[1]), -5.0)
    for label in range(y_train.shape[1]):
        y = y_train[:, label]
        if y.sum() == 0:
            continue
        x_fit, x_score = x_train, x_test
        if kind == "nbsvm":
            p = 1 + x_train[y == 1].sum(0)
            q = 1 + x_train[y == 0].sum(0)
            ratio = np.asarray(np.log((p / p.sum()) / (q / q.sum()))).ravel()
            x_fit, x_score = x_train.multiply(ratio).tocsr(), x_test.multiply(ratio).tocsr()
        weights = {1: positive_weight(y), 0: 1.0}
        if kind == "lr":
            model = LogisticRegression(C=10, class_weight=weights, solver="liblinear", max_iter=3000)
        else:
            model = LinearSVC(C=cost, class_weight=weights, max_iter=5000)
        scores[:, label] = model.fit(x_fit, y).decision_function(x_score)
    return scores


def decide(scores, threshold):
    predicted = (scores > threshold).astype(int)
    none = predicted.sum(1) == 0
    predicted[none, scores[none].argmax(1)] = 1
    return predicted


def micro(truth, predicted):
    return f1_score(truth, predicted, average="micro", zero_division=0)


def best_threshold(truth, scores, candidates):
    return max(candidates, key=lambda threshold: micro(truth, decide(scores, threshold)))


def held_out_scores(texts, y, score, seed=1):
    """Scores of each training comment from models trained on the other inner folds."""
    held = np.zeros(y.shape)
    for inner_train, inner_test in KFold(3, shuffle=True, random_state=seed).split(texts):
        x_train, x_test = features([texts[i] for i in inner_train], [texts[i] for i in inner_test])
        held[inner_test] = score(x_train, y[inner_train], x_test)
    return held


def platt(held, test, y):
    held_p, test_p = np.zeros(held.shape), np.zeros(test.shape)
    for label in range(y.shape[1]):
        if 0 < y[:, label].sum() < len(y):
            model = LogisticRegression(C=1e4).fit(held[:, [label]], y[:, label])
            held_p[:, label] = model.predict_proba(held[:, [label]])[:, 1]
            test_p[:, label] = model.predict_proba(test[:, [label]])[:, 1]
    return held_p, test_p


def main(path):
    data = pd.read_csv(path)
    texts = data["text"].fillna("").tolist()
    labels = [[part.strip() for part in str(cell).split(";") if part.strip()] for cell in data["labels"].fillna("")]
    y_all = MultiLabelBinarizer().fit_transform(labels)
    log_length = np.log1p([len(text) for text in texts])
    folds = list(KFold(5, shuffle=True, random_state=0).split(texts))
    on_scores = np.arange(-1.0, 0.5, 0.025)
    on_probabilities = np.arange(0.05, 0.7, 0.01)
    tuned = {}
    upper = {name: np.zeros(y_all.shape) for name in ("stemmed words", "LSA appended", "NBSVM")}

    def keep(name, test, predicted):
        tuned.setdefault(name, np.zeros_like(y_all))[test] = predicted

    for number, (train, test) in enumerate(folds):
        train_texts = [texts[i] for i in train]
        test_texts = [texts[i] for i in test]
        y = y_all[train]
        x_train, x_test = features(train_texts, test_texts)
        svm = {}
        for cost in (0.5, 0.2):
            held = held_out_scores(train_texts, y, lambda a, b, c: linear_scores(a, b, c, cost=cost))
            scores = linear_scores(x_train, y, x_test, cost=cost)
            keep(f"SVM C {cost}", test, decide(scores, best_threshold(y, held, on_scores)))
            svm[cost] = (held, scores)
        held, scores = svm[0.5]
        held_lr = held_out_scores(train_texts, y, lambda a, b, c: linear_scores(a, b, c, kind="lr"))
        scores_lr = linear_scores(x_train, y, x_test, kind="lr")
        blend_held = held / held.std() + held_lr / held_lr.std()
        blend = scores / held.std() + scores_lr / held_lr.std()
        candidates = np.quantile(blend_held, np.linspace(0.8, 0.995, 80))
        keep("SVM + logistic regression", test, decide(blend, best_threshold(y, blend_held, candidates)))
        held_p, test_p = platt(held, scores, y)
        keep("per-label Platt", test, decide(test_p, best_threshold(y, held_p, on_probabilities)))
        mean_length = log_length[train].mean()
        _, base, slope = max(
            (micro(y, decide(held, (base + slope * (log_length[train] - mean_length))[:, None])), base, slope)
            for base in np.arange(-0.8, 0.2, 0.05)
            for slope in np.arange(-0.3, 0.31, 0.05)
        )
        keep("threshold by length", test, decide(scores, (base + slope * (log_length[test] - mean_length))[:, None]))
        stack_held, stack_test = held_p.copy(), test_p.copy()
        inputs_held = np.hstack([held, log_length[train, None]])
        inputs_test = np.hstack([scores, log_length[test, None]])
        for label in range(y.shape[1]):
            if y[:, label].sum() >= 5:
                model = LogisticRegression(C=0.1, max_iter=2000)
                stack_held[:, label] = cross_val_predict(model, inputs_held, y[:, label], cv=3, method="predict_proba")[:, 1]
                stack_test[:, label] = model.fit(inputs_held, y[:, label]).predict_proba(inputs_test)[:, 1]
        keep("stacking", test, decide(stack_test, best_threshold(y, stack_held, on_probabilities)))
        stem_train, stem_test = features(train_texts, test_texts, stemmed=True)
        upper["stemmed words"][test] = linear_scores(stem_train, y, stem_test)
        lsa_train, lsa_test = features(train_texts, test_texts, lsa_texts=texts)
        upper["LSA appended"][test] = linear_scores(lsa_train, y, lsa_test)
        upper["NBSVM"][test] = linear_scores(x_train, y, x_test, kind="nbsvm")
        print(f"fold {number + 1} of 5 done", file=sys.stderr, flush=True)

    print("threshold(s) chosen inside the training comments:")
    for name, predicted in tuned.items():
        macro = f1_score(y_all, predicted, average="macro", zero_division=0)
        print(f"  {name:28} micro-F1 {micro(y_all, predicted):.4f}  macro-F1 {macro:.4f}")
    print("best single threshold on the test folds (an upper bound):")
    for name, scores in upper.items():
        candidates = np.quantile(scores, np.linspace(0.8, 0.995, 120))
        best = max(micro(y_all, decide(scores, threshold)) for threshold in candidates)
        print(f"  {name:28} micro-F1 {best:.4f}")


if __name__ == "__main__":
    main(sys.argv[1])
