#!/usr/bin/python3
"""Reference BRISQUE scores from OpenCV, for test/local-beauty/brisque.test.ts.

Run with Debian's Python, which has OpenCV contrib's quality module:
    apt-get install -y python3-opencv
    /usr/bin/python3 scripts/brisque-reference.py

For every photo in test/fixtures/photos/ and every derived variant it writes to
test/fixtures/brisque-variants/, it records cv2.quality.QualityBRISQUE_compute (the score) and
QualityBRISQUE_computeFeatures (the 36 features) into test/fixtures/brisque-reference.json, which is
committed so the tests need no Python.

Decoding: the TypeScript test decodes with sharp (libvips + its bundled libjpeg-turbo fork) using
`ignoreIcc: true` and `.rotate()`. cv2.imread also ignores ICC profiles and applies EXIF orientation,
and both decoders use the same integer IDCT and fancy upsampling, so the pixels are identical; we
record a SHA-256 of the decoded RGB pixels so the test can prove it (and fail loudly, rather than
blame the port, if a future libjpeg build decodes differently).

Variants are written as lossless PNG (grey where the variant is grey-only, to keep them small;
BRISQUE only looks at luma), except the JPEG-compression variant, which must be a JPEG.
"""
import hashlib
import json
import os
import sys

import cv2
import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
PHOTOS = os.path.join(ROOT, 'test', 'fixtures', 'photos')
VARIANTS = os.path.join(ROOT, 'test', 'fixtures', 'brisque-variants')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'brisque-reference.json')
MODEL = os.path.join(ROOT, 'models', 'brisque', 'brisque_model_live.yml')
RANGE = os.path.join(ROOT, 'models', 'brisque', 'brisque_range_live.yml')


def crop(img, width, height):
    h, w = img.shape[:2]
    y, x = (h - height) // 2, (w - width) // 2
    return img[y:y + height, x:x + width]


def make_variants():
    """A few degraded images BRISQUE should find worse, built deterministically from fixtures."""
    os.makedirs(VARIANTS, exist_ok=True)
    dahlia = crop(cv2.imread(os.path.join(PHOTOS, 'dahlia-flower.jpg')), 400, 300)
    street = crop(cv2.imread(os.path.join(PHOTOS, 'street-old-town-leuven.jpg')), 400, 300)
    dahlia_grey = cv2.cvtColor(dahlia, cv2.COLOR_BGR2GRAY)
    street_grey = cv2.cvtColor(street, cv2.COLOR_BGR2GRAY)
    rng = np.random.default_rng(20240601)
    noisy = np.clip(street_grey.astype(np.float64) + rng.normal(0, 20, street_grey.shape), 0, 255)
    variants = {
        'dahlia-crop-grey.png': (dahlia_grey, []),
        'dahlia-crop-blur-sigma2.png': (cv2.GaussianBlur(dahlia_grey, (0, 0), 2.0), []),
        'street-crop-noise-sigma20.png': (np.round(noisy).astype(np.uint8), []),
        'street-crop-dark-x0.3.png': (cv2.convertScaleAbs(street_grey, alpha=0.3), []),
        'street-crop-jpeg-q10.jpg': (street, [cv2.IMWRITE_JPEG_QUALITY, 10]),
    }
    for name, (img, params) in variants.items():
        if not cv2.imwrite(os.path.join(VARIANTS, name), img, params):
            sys.exit(f'could not write {name}')
    return sorted(variants)


def reference(path):
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        sys.exit(f'cv2 could not read {path}')
    score = cv2.quality.QualityBRISQUE_compute(img, MODEL, RANGE)[0]
    features = cv2.quality.QualityBRISQUE_computeFeatures(img).ravel()
    rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    return {
        'width': int(img.shape[1]),
        'height': int(img.shape[0]),
        'rgbSha256': hashlib.sha256(np.ascontiguousarray(rgb).tobytes()).hexdigest(),
        'score': float(score),
        'features': [float(v) for v in features],
    }


def main():
    variants = make_variants()
    photos = sorted(f for f in os.listdir(PHOTOS) if f.lower().endswith(('.jpg', '.jpeg', '.png')))
    entries = {}
    for name in photos:
        entries[f'photos/{name}'] = reference(os.path.join(PHOTOS, name))
    for name in variants:
        entries[f'brisque-variants/{name}'] = reference(os.path.join(VARIANTS, name))
    doc = {
        'generator': 'scripts/brisque-reference.py',
        'opencv': cv2.__version__,
        'model': 'models/brisque/brisque_model_live.yml + brisque_range_live.yml',
        'decoder': 'cv2.imread(IMREAD_COLOR): BGR 8-bit, EXIF orientation applied, ICC ignored',
        'images': entries,
    }
    with open(OUT, 'w') as fh:
        json.dump(doc, fh, indent=1)
        fh.write('\n')
    for key, entry in entries.items():
        print(f"{entry['score']:8.3f}  {key}")


if __name__ == '__main__':
    main()
