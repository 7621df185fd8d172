#!/usr/bin/env python3
"""Writes tools/demo/stories.jsonl: the small dataset `analysis demo` extracts from (deterministic, seed 260).

Short TinyStories-like sentences in the vocabulary stories260K was trained on, with labels a probe can use:
  name      the character the sentence is about        (string)
  mood      happy / sad / scared / excited              (string)
  object    the thing in the sentence                  (string)
  count     a number written with digits, 1..999        (int; the number-line analysis)
  count_text  the digits as they appear in the text     (string; use --span-field count_text)
Run: python3 tools/demo/make_stories.py   (no third-party packages)
"""
import json
import random
from pathlib import Path

NAMES = ["Lily", "Tom", "Ben", "Mia", "Sue", "Max", "Anna", "Tim", "Sara", "Jack", "Lucy", "Sam"]
OBJECTS = ["ball", "cat", "dog", "toy", "apple", "flower", "book", "cake", "box", "tree", "bird", "car", "hat", "kite"]
COLORS = ["red", "blue", "green", "yellow", "big", "small", "shiny", "soft"]
PLACES = ["park", "garden", "house", "forest", "school", "beach", "shop", "room"]
MOODS = {
    "happy": ["happy", "glad", "very happy"],
    "sad": ["sad", "very sad", "upset"],
    "scared": ["scared", "afraid", "very scared"],
    "excited": ["excited", "so excited", "very excited"],
}
TEMPLATES = [
    "{name} saw a {color} {obj} in the {place}. {pron} was {feel}.",
    "One day, {name} found a {color} {obj}. {pron} felt {feel}.",
    "{name} had {count} {objs}. {pron} was {feel} and played all day.",
    "There were {count} {objs} in the {place}. {name} was {feel}.",
    "{name} wanted to play with the {obj} in the {place}, but {pron_l} was {feel}.",
    "Mom gave {name} {count} {objs}. {name} was {feel}.",
    "{name} and the {color} {obj} went to the {place}. They were {feel}.",
]
PRONOUNS = {"Lily": "She", "Mia": "She", "Sue": "She", "Anna": "She", "Sara": "She", "Lucy": "She"}


def plural(obj):
    return obj + ("es" if obj.endswith("x") else "s")


def main():
    rng = random.Random(260)
    out = Path(__file__).with_name("stories.jsonl")
    rows = []
    for i in range(3000):
        name = rng.choice(NAMES)
        mood = rng.choice(sorted(MOODS))
        obj = rng.choice(OBJECTS)
        count = rng.choice([rng.randint(1, 9), rng.randint(10, 99), rng.randint(100, 999)])
        template = TEMPLATES[i % len(TEMPLATES)]
        pron = PRONOUNS.get(name, "He")
        text = template.format(name=name, color=rng.choice(COLORS), obj=obj, objs=plural(obj), place=rng.choice(PLACES),
                               pron=pron, pron_l=pron.lower(), feel=rng.choice(MOODS[mood]), count=count)
        has_count = "{count}" in template
        rows.append({"text": text, "name": name, "mood": mood, "object": obj,
                     "count": count if has_count else None, "count_text": str(count) if has_count else None})
    with out.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    # The number-line subset: every sentence has a count, so --span-field count_text works on all of it.
    with out.with_name("numbers.jsonl").open("w", encoding="utf-8") as f:
        for r in rows:
            if r["count"] is not None:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
