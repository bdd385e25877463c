#!/usr/bin/env python3
"""Held-out generalisation test of the default rules (issue 22).

The name lists in rules/data are split by a stable hash of each name: every name whose FNV-1a hash is 0
mod 5 is held out. The rules are copied to a temporary folder with the held-out names removed from their
data files, so the rules under test never load them. Decision texts are then generated in the shapes of
samples/ and the corpus (prose with no title or label, tables, signature blocks, letters, ALL CAPS forms,
"Surname, Firstname" cells, the family name first in capitals "NGUYEN Van An", names with particles
"Maria de la Cruz") filled with held-out names of 20 origins, addresses, postcodes, phones,
e-mails, NINOs, dates of birth, vehicle registrations and bank details, and with institutional lines that
must be kept. They are redacted as plain-text inputs (`foiredact redact --rules <copy>`), and the output is
checked:

* an item is found when its text no longer appears in the output (case and white space aside); a name
  counts as found only when none of its words (of 3 letters or more) is left on its line either;
* a keep line is kept when it appears whole in the output.

    python3 benches/detect_generalise.py [--bin target/release/foiredact] [--docs 300] [--seed 22]

Prints recall per category, names per origin and shape, the keep rate per class, and the misses.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORIGINS = ["gb", "sc", "cy", "ie", "pl", "ro", "lt", "pk", "in", "bd", "ng", "gh", "so", "zh", "ar", "pt", "vi",
           "ko", "ja", "hu"]


def fold(s):
    special = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "’": "'"}
    out = []
    for c in s:
        if c in special:
            out.append(special[c])
            continue
        out.append("".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x)))
    return "".join(out)


def fnv1a(s):
    h = 0x811C9DC5
    for b in s.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def held_out(name):
    return fnv1a(fold(name).lower()) % 5 == 0


def read_tagged(path):
    out = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        name, _, tags = line.rstrip("\n").partition("\t")
        out.append((name, set(tags.split(",")) if tags else set()))
    return out


def example_words():
    """Every word of the rule files (their examples hold a few names)."""
    words = set()
    d = os.path.join(ROOT, "rules")
    for f in os.listdir(d):
        if f.endswith(".toml"):
            words.update(w.lower() for w in re.findall(r"[^\W\d_]+", open(os.path.join(d, f), encoding="utf-8").read()))
    return words


EXAMPLE_WORDS = example_words()


def split_rules(dst, org=True):
    """Copies rules/ to dst with the held-out names removed from every name list; returns the test names
    by origin: {origin: (firsts, lasts)}."""
    shutil.copytree(os.path.join(ROOT, "rules"), dst)
    test = {o: ([], []) for o in ORIGINS}
    for fname, k in (("first-names.txt", 0), ("surnames.txt", 1)):
        path = os.path.join(dst, "data", fname)
        kept = []
        for line in open(path, encoding="utf-8"):
            if line.startswith("#") or not line.strip():
                kept.append(line)
                continue
            name, _, tags = line.rstrip("\n").partition("\t")
            # (A name that a rule file's examples use stays in the lists and out of the test: `redact`
            # runs every rule's examples, and they must pass.)
            if held_out(name) and name.lower() not in EXAMPLE_WORDS:
                for o in tags.split(","):
                    if o in test:
                        test[o][k].append(name)
            else:
                kept.append(line)
        open(path, "w", encoding="utf-8").writelines(kept)
    # Any other list in the copy must not hold a held-out name either.
    for f in os.listdir(os.path.join(dst, "data")):
        if f.endswith(".txt") and f not in ("first-names.txt", "surnames.txt", "english-words.txt"):
            p = os.path.join(dst, "data", f)
            lines = [l for l in open(p, encoding="utf-8")
                     if l.startswith("#") or not held_out(l.strip()) or l.strip().lower() in EXAMPLE_WORDS]
            open(p, "w", encoding="utf-8").writelines(lines)
    # The body's own contact details, as an officer would list them (rules/allow.toml [organisation]).
    with open(os.path.join(dst, "allow.toml"), "a", encoding="utf-8") if org else open(os.devnull, "w") as f:
        f.write('\n[organisation]\nemails = ["foi@westshire.gov.uk"]\ndomains = ["westshire.gov.uk"]\n'
                'phones = ["0300 123 4567", "01632 960000"]\n')
    for o in ORIGINS:
        assert test[o][0] and test[o][1], f"no held-out names of origin {o}"
    return test


# --- generated content -------------------------------------------------------------------------------

STREETS = ["Kendal", "Alder", "Rowan", "Highfield", "Brookfield", "Cromwell", "Manor", "Farthingale", "Quillon",
           "Larch", "Mill", "Station", "Church", "Beech", "Willow", "Orchard", "Meadow", "Hawthorn", "Chestnut",
           "Sycamore", "Ashdown", "Belvedere", "Carrington", "Denholme", "Elmstead", "Fairview", "Glenmore"]
STYPES = ["Road", "Street", "Avenue", "Lane", "Drive", "Close", "Crescent", "Court", "Gardens", "Grove", "Way",
          "Place", "Terrace", "Mews", "Row", "View", "Walk", "Rise"]
TOWNS = ["Westbury", "Preston", "Nelson", "Carlisle", "Bolton", "Leeds", "Skelmersdale", "Wigan", "Lancaster",
         "Blackburn", "Chorley", "Kendal", "Harrogate", "Swansea", "Cardiff", "Glasgow", "Dundee", "Belfast"]
PC_AREAS = ["WB", "PR", "BB", "CA", "BL", "LS", "WN", "LA", "M", "SE", "SW", "CF", "SA", "G", "DD", "BT", "EH", "B"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


class Gen:
    def __init__(self, rnd, test):
        self.r = rnd
        self.test = test

    def name(self):
        o = self.r.choice(ORIGINS)
        f, l = self.test[o]
        return o, self.r.choice(f), self.r.choice(l)

    def postcode(self):
        a = self.r.choice(PC_AREAS)
        out = a + str(self.r.randint(1, 29 if len(a) == 2 else 9))
        inward = str(self.r.randint(0, 9)) + "".join(self.r.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
        return out + self.r.choice([" ", " ", " ", ""]) + inward

    def street(self, caps=False):
        s = f"{self.r.randint(1, 240)} {self.r.choice(STREETS)} {self.r.choice(STYPES)}"
        if self.r.random() < 0.15:
            s = f"Flat {self.r.randint(1, 30)}, " + s
        return s.upper() if caps else s

    def phone(self):
        k = self.r.randint(0, 5)
        d = lambda n: "".join(str(self.r.randint(0, 9)) for _ in range(n))
        return [f"07{d(3)} {d(6)}", f"01{d(3)} {d(6)}", f"020 {d(4)} {d(4)}", f"+44 7{d(3)} {d(6)}",
                f"(01{d(3)}) {d(6)}", f"0161 {d(3)} {d(4)}"][k]

    def email(self, first, last):
        f, l = fold(first).lower(), fold(last).lower().replace("'", "")
        dom = self.r.choice(["gmail.com", "outlook.com", "yahoo.co.uk", "example.org", "btinternet.com",
                             "hotmail.co.uk"])
        return self.r.choice([f"{f}.{l}@{dom}", f"{f[0]}{l}{self.r.randint(1, 99)}@{dom}", f"{f}_{l[:3]}"
                              f"{self.r.randint(1960, 2005)}@{dom}", f"{l}.{f}@{dom}"])

    def nino(self):
        a = self.r.choice("ABCEGHJKLMNPRSTWXYZ") + self.r.choice("ABCEGHJKLMNPRSTWXYZ")
        if a in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            a = "AB"
        d = [f"{self.r.randint(0, 99):02d}" for _ in range(3)]
        s = self.r.choice("ABCD")
        return self.r.choice([f"{a} {d[0]} {d[1]} {d[2]} {s}", f"{a}{''.join(d)}{s}"])

    def date(self):
        return f"{self.r.randint(1, 28)} {self.r.choice(MONTHS)} {self.r.randint(2019, 2025)}"

    def dob(self):
        y = self.r.randint(1940, 2005)
        return self.r.choice([f"{self.r.randint(1, 28):02d}/{self.r.randint(1, 12):02d}/{y}",
                              f"{self.r.randint(1, 28)} {self.r.choice(MONTHS)} {y}",
                              f"{self.r.randint(1, 28):02d}.{self.r.randint(1, 12):02d}.{y}"])

    def vehicle(self):
        L = "ABCDEFGHJKLMNOPRSTUVWXY"
        age = self.r.choice(list(range(2, 26)) + list(range(51, 76)))
        return (self.r.choice(L) + self.r.choice(L) + f"{age:02d}" + self.r.choice([" ", " ", ""])
                + "".join(self.r.choice("ABCDEFGHJKLMNOPRSTUVWXYZ") for _ in range(3)))

    def sort_code(self):
        return "-".join(f"{self.r.randint(0, 99):02d}" for _ in range(3))

    def account(self):
        return "".join(str(self.r.randint(0, 9)) for _ in range(8))


# Prose templates: {N} is a held-out name, {N2} another.
PROSE = [
    "Officers spoke to {N} about the incident on {D}.",
    "A complaint from {N} was received on {D} and has been investigated.",
    "The witness, {N}, said that the vehicle had been parked outside for some time.",
    "{N} attended the meeting on behalf of the residents' association.",
    "The application was made on behalf of {N} by a solicitor.",
    "An objection by {N} was considered by the licensing panel.",
    "The statement was signed by {N} in the presence of an officer.",
    "The complainant, {N}, asked for a review of the outcome.",
    "We received an e-mail from {N} on {D} asking for an update.",
    "{N} told the investigating officer that the gate had been left open.",
    "The tenancy is held jointly by {N} and {N2}.",
    "A payment was made to {N} by BACS once the agreement had been signed.",
    "The panel heard from {N}, a local resident, who objected to the proposal.",
    "According to {N}, the light had been out for several weeks.",
    "The owner of the property, {N}, was not at home when officers called.",
    "{N}'s son was also present at the time.",
    "The vehicle was being driven by {N} at the time of the collision.",
    "{N}, who lives nearby, reported the noise to the council.",
    "Both {N} and {N2} were present when the search took place.",
    "The neighbour, {N}, was interviewed on {D}.",
    "Officers later met with {N} to explain the decision.",
    "A representation was received from {N}, who asked that the impact on residents be considered.",
    "The claimant {N} has accepted the offer in full and final settlement.",
    "Further information was provided by {N} on {D}.",
    "{N} was interviewed under caution and released without charge.",
    "The footage was reviewed with {N} and her representative.",
    "The Commissioner wrote to {N} on {D} to confirm the outcome.",
    "The request was made by {N} under the Freedom of Information Act 2000.",
    "It was agreed that {N} would be offered a further meeting.",
    "The report names {N} as the person who found the property.",
    "The driver, {N} ({DOBP}), was spoken to at the scene.",
    "Correspondence from {N} dated {D} was considered.",
]

KEEP_PROSE = [
    "The patient was taken to Queen Elizabeth Hospital for treatment.",
    "A second ambulance went to King George Hospital in Ilford.",
    "Delays on the Victoria Line were reported to the control room.",
    "The Jubilee Line and the Elizabeth Line were closed for the evening.",
    "The vessel was moored at Albert Dock during the operation.",
    "The hearing took place at Sir Robert Peel Court on the following day.",
    "Volunteers from St John Ambulance were present at the event.",
    "The service was held at St Mary's Church and was well attended.",
    "Patients were moved from St Thomas' Hospital overnight.",
    "The casualty was treated at the Royal Victoria Infirmary.",
    "The case was heard at Preston Crown Court in March.",
    "The Princess Royal Hospital has agreed to share the data.",
    "The event was held at St George's Hall in Liverpool.",
    "The march ended in Victoria Park without incident.",
    "The bridge at Albert Park will be closed for repairs.",
    "Officers from Wellington Barracks assisted with the cordon.",
    "The scheme covers Milton Keynes, Hemel Hempstead and Merthyr Tydfil.",
    "The Road Safety Partnership met on Monday to agree the plan.",
    "The contract was awarded to Victim Support after a tender.",
    "Dorset Police and the Ministry of Justice were consulted.",
    "The Crown Prosecution Service has been informed of the decision.",
    "The Independent Office for Police Conduct reviewed the case.",
    "The decision was noted by the Joint Audit and Ethics Committee.",
    "The training was delivered at Alexandra House in the city centre.",
    "Staff at the Queen Alexandra Hospital were thanked for their help.",
    "The estates team has surveyed King Edward Court and Victoria House.",
    "A CCTV camera covers the entrance to Jubilee Bridge.",
    "The Chief Officer Team agreed the revised budget.",
    "Contact the FOI team on 0300 123 4567 or foi@westshire.gov.uk for a copy.",
    "The switchboard number is 01632 960000 and the address is enquiries@westshire.gov.uk.",
]

KEEP_FIELDS = [
    "Name: Parking Services Team",
    "Signed: Head of Information Governance",
    "Address: Town Hall, Market Square",
    "Name: Information Governance Unit",
    "Signed: Director of Finance",
    "Contact: Information Access Team",
    "Name: Customer Services Manager",
    "Prepared by: Corporate Services Department",
]

KEEP_HEADINGS = [
    ("Signature:", "Record of Meeting"),
    ("Name:", "Office of the Police and Crime Commissioner for Westshire"),
    ("Witness signature:", "Date: 14 March 2025"),
    ("Signature:", "The Commissioner approved the decision after discussion with partners."),
    ("Print name:", "Summary of Decision"),
    ("Signed:", "Police and Crime Commissioner for Westshire"),
]


# The family name first, in capitals, then the given name (UK court, immigration and police papers):
# {F} is such a name, {F2} another, {D} a date.
FAMILY_FIRST = [
    "Interpreter: {F}",
    "The interpreter, {F}, attended the interview.",
    "Statement taken from {F} on {D}.",
    "Present: {F} (interpreter) and {F2}.",
    "Translator: {F}",
    "The statement was translated by {F} on {D}.",
    "{F}\tInterpreter",
    "{F}\tWitness",
]

# Particles before the surname: " de la " joins "Maria" and "Cruz"; "al-" is written onto it.
PARTICLES = [" de la ", " van der ", " van ", " de ", " bin ", " binti ", " di ", " dos ", " da ", " von ",
             " del ", " al-", " el-"]

PARTICLE_PROSE = [
    "The tenant, {P}, was interviewed on {D}.",
    "{P} attended the meeting on behalf of the residents.",
    "Officers spoke to {P} about the incident.",
    "A complaint from {P} was received on {D}.",
    "{P}\tResident",
    "The witness, {P}, said the gate was open.",
]

# Headings and labels in capitals before a capitalised word, on lines of their own: never names.
KEEP_CAPS = ["DECISION Notice", "ANNEX A", "SECTION 40", "PART I", "NHS Trust", "FOIA Request", "CCTV Footage",
             "PERSONAL Data", "OFFICIAL Sensitive", "APPENDIX B", "DECISION Record", "ICO Guidance",
             "URGENT Action Required", "COVID Response", "SUMMARY Of Findings"]


def build_doc(g, r, k):
    """One document: a list of lines, and its items [(category, text, extra)] and keep lines [(class, text)]."""
    lines, items, keep = [], [], []

    def add_name(o, f, l, shape, text=None):
        items.append(("name", text or f"{f} {l}", {"origin": o, "shape": shape, "words": [f, l]}))

    lines.append("Office of the Police and Crime Commissioner for Westshire")
    lines.append(r.choice(["DECISION RECORD", "Record of Meeting", "Notice of Decision"]))
    lines.append(f"Decision number: 2024/{r.randint(1, 300):03d}")
    d = g.date()
    lines.append(f"Decision date: {d}")
    lines.append("Summary")
    keep.append(("heading", f"Decision date: {d}"))
    keep.append(("heading", "Summary"))
    kp = r.choice(KEEP_PROSE)
    lines.append(kp)
    keep.append(("institution", kp))
    # Prose paragraph.
    for _ in range(r.randint(2, 4)):
        t = r.choice(PROSE)
        o, f, l = g.name()
        o2, f2, l2 = g.name()
        dob = g.dob()
        s = t.format(N=f"{f} {l}", N2=f"{f2} {l2}", D=g.date(), DOBP=f"date of birth {dob}")
        add_name(o, f, l, "prose")
        if "{N2}" in t:
            add_name(o2, f2, l2, "prose")
        if "{DOBP}" in t:
            items.append(("dob", dob, {}))
        lines.append(s)
    # Structured data in prose, with a wrapped line now and then.
    o, f, l = g.name()
    addr, town, pc = g.street(), r.choice(TOWNS), g.postcode()
    ph, em = g.phone(), g.email(f, l)
    add_name(o, f, l, "prose-titled-later")
    items += [("address", addr, {}), ("postcode", pc, {}), ("phone", ph, {}), ("email", em, {})]
    para = (f"A claim has been received from {f} {l} of {addr}, {town} {pc}, following damage to a "
            f"garden wall. The claimant can be contacted on {ph} or at {em}.")
    lines += wrap(para, r)
    nino, dob = g.nino(), g.dob()
    items += [("nino", nino, {}), ("dob", dob, {})]
    lines += wrap(f"The claimant's National Insurance number is {nino} and the date of birth given was "
                  f"{dob}.", r)
    veh, sc, acc = g.vehicle(), g.sort_code(), g.account()
    items += [("vehicle", veh, {}), ("bank", sc, {}), ("bank", acc, {})]
    vshape = r.randint(0, 2)
    if vshape == 0:
        lines += wrap(f"The second vehicle, registration {veh}, was damaged in the collision.", r)
    elif vshape == 1:
        lines.append("The vehicle seized by officers had the registration")
        lines.append(f"{veh} and was taken to the pound.")
    else:
        lines.append(f"The car was recovered on {g.date()} and the keeper traced: {veh}.")
    lines += wrap(f"Payment will be made to the claimant's account (sort code {sc}, account number {acc}).", r)
    # Later reference with a title.
    lines.append(f"Ms {l} may be contacted through her solicitor.")
    kf = r.choice(KEEP_FIELDS)
    lines.append(kf)
    keep.append(("field", kf))
    # A table of attendees (sometimes "Surname, Firstname").
    inverted = r.random() < 0.4
    lines.append("Name\tRole\tTelephone" if not inverted else "Attendee (surname, first name)\tRole\tVehicle")
    for _ in range(r.randint(2, 5)):
        o, f, l = g.name()
        role = r.choice(["Member of the public", "Business owner", "Resident", "Parish Councillor",
                         "Complainant", "Witness"])
        if inverted:
            v = g.vehicle()
            items.append(("vehicle", v, {}))
            add_name(o, f, l, "table-inverted", text=f"{l}, {f}")
            lines.append(f"{l}, {f}\t{role}\t{v}")
        else:
            p = g.phone()
            items.append(("phone", p, {}))
            add_name(o, f, l, "table")
            lines.append(f"{f} {l}\t{role}\t{p}")
    # The family name first in capitals.
    for _ in range(r.randint(1, 2)):
        t = r.choice(FAMILY_FIRST)
        o, f, l = g.name()
        o2, f2, l2 = g.name()
        s = t.format(F=f"{l.upper()} {f}", F2=f"{l2.upper()} {f2}", D=g.date())
        add_name(o, l, f, "family-first", text=f"{l.upper()} {f}")
        if "{F2}" in t:
            add_name(o2, l2, f2, "family-first", text=f"{l2.upper()} {f2}")
        lines.append(s)
    # Particles before the surname.
    t = r.choice(PARTICLE_PROSE)
    o, f, l = g.name()
    pn = f"{f}{r.choice(PARTICLES)}{l}"
    add_name(o, f, l, "particle", text=pn)
    lines.append(t.format(P=pn, D=g.date()))
    kc = r.choice(KEEP_CAPS)
    lines.append(kc)
    keep.append(("caps-heading", kc))
    h = r.choice(KEEP_HEADINGS)
    lines.append(h[0])
    lines.append(h[1])
    keep.append(("heading-after-label", h[1]))
    # Signature blocks and forms.
    shape = r.randint(0, 2)
    o, f, l = g.name()
    if shape == 0:
        lines.append("Yours sincerely,")
        lines.append(f"{f} {l}")
        add_name(o, f, l, "letter-signatory")
        lines.append("Complaints Resolution Officer")
    elif shape == 1:
        lines.append(f"Signed: {f} {l}")
        add_name(o, f, l, "signed-label")
        lines.append(f"Date: {g.date()}")
    else:
        lines.append(f"Contact: {f} {l}, Commissioning Manager, tel {g.phone()}")
        add_name(o, f, l, "contact-label")
    o, f, l = g.name()
    o2, f2, l2 = g.name()
    a2, pc2 = g.street(caps=True), g.postcode()
    lines += ["SIGNED by " + f"{f} {l}".upper(), "duly authorised to sign for and on behalf of",
              "THE CHIEF CONSTABLE OF WESTSHIRE CONSTABULARY", "in the presence of:",
              f"{f2} {l2}".upper(), f"Witness signature: {f2[0]}. {l2}", f"Name: {f2} {l2}".upper(),
              f"Address: {a2}, {r.choice(TOWNS).upper()} {pc2}", "Occupation: DENTAL NURSE"]
    add_name(o, f, l, "caps-signed-by", text=f"{f} {l}".upper())
    add_name(o2, f2, l2, "caps-form", text=f"{f2} {l2}".upper())
    items += [("address", a2, {}), ("postcode", pc2, {})]
    # A letter's address block (every third document).
    if k % 3 == 0:
        o, f, l = g.name()
        a3, t3, pc3 = g.street(), r.choice(TOWNS), g.postcode()
        block = [f"{f} {l}", a3, t3, pc3, "", f"Dear {f} {l},", "Thank you for your letter."]
        add_name(o, f, l, "letter-address")
        items += [("address", a3, {}), ("postcode", pc3, {})]
        lines = block + lines
    return lines, items, keep


def wrap(text, r, width=None):
    width = width or r.randint(60, 110)
    out, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    out.append(cur)
    return out


def norm(s):
    return re.sub(r"\s+", " ", s).strip().lower()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/foiredact"))
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--misses", type=int, default=40, help="how many misses to print")
    ap.add_argument("--no-org", action="store_true",
                    help="do not list the body's own contact details (for binaries without [organisation])")
    ap.add_argument("--keep-dir", help="write the generated texts and outputs here")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="generalise-")
    work = a.keep_dir or tmp
    os.makedirs(work, exist_ok=True)
    rules = os.path.join(work, "rules")
    shutil.rmtree(rules, ignore_errors=True)
    test = split_rules(rules, org=not a.no_org)
    r = random.Random(a.seed)
    g = Gen(r, test)
    docs = {}
    indir = os.path.join(work, "in")
    shutil.rmtree(indir, ignore_errors=True)
    os.makedirs(indir)
    for k in range(a.docs):
        lines, items, keep = build_doc(g, r, k)
        stem = f"gen-{k:04d}"
        with open(os.path.join(indir, stem + ".txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        docs[stem] = (lines, items, keep)
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)
    cmd = [a.bin, "redact", indir, "--out", out, "--rules", rules, "--overwrite"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-2000:]}")
    found = defaultdict(lambda: [0, 0])
    by_origin = defaultdict(lambda: [0, 0])
    by_shape = defaultdict(lambda: [0, 0])
    kept = defaultdict(lambda: [0, 0])
    misses, lost = [], []
    for stem, (lines, items, keep) in docs.items():
        path = os.path.join(out, stem + ".part1.txt")
        text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        ntext = norm(text)
        out_lines = text.splitlines()
        for cat, item, extra in items:
            ok = norm(item) not in ntext
            if ok and cat == "name":
                # No word of the name may be left on a line that held the name.
                src_lines = [i for i, l in enumerate(lines) if norm(item) in norm(l)]
                for w in extra["words"]:
                    if len(w) < 3:
                        continue
                    pat = re.compile(r"(?<![\w])" + re.escape(w.lower()) + r"(?![\w])")
                    for i in src_lines:
                        o = out_lines[i].lower() if i < len(out_lines) else ""
                        if pat.search(o):
                            ok = False
            found[cat][0] += ok
            found[cat][1] += 1
            if cat == "name":
                by_origin[extra["origin"]][0] += ok
                by_origin[extra["origin"]][1] += 1
                by_shape[extra["shape"]][0] += ok
                by_shape[extra["shape"]][1] += 1
            if not ok:
                ctx = next((l for l in lines if norm(item) in norm(l)), item)
                misses.append((cat, item, ctx))
        out_norm = {norm(l) for l in out_lines}
        for cls, line in keep:
            # (A heading of a few letters is looked for as a line of its own: "part i" is in many texts.)
            ok = norm(line) in out_norm if cls == "caps-heading" else norm(line) in ntext
            kept[cls][0] += ok
            kept[cls][1] += 1
            if not ok:
                lost.append((cls, line))
    print(f"docs={a.docs} seed={a.seed} held_out_names="
          f"{sum(len(f) + len(l) for f, l in test.values())} (rules: {rules})")
    print("category   items  found  recall")
    structured_ok = True
    for cat in sorted(found):
        f, n = found[cat]
        print(f"{cat:10s} {n:5d}  {f:5d}  {f / n:.3f}")
        if cat != "name" and f != n:
            structured_ok = False
    print("names by origin: " + " ".join(f"{o}={by_origin[o][0] / by_origin[o][1]:.2f}"
                                           for o in ORIGINS if by_origin[o][1]))
    print("names by shape:  " + " ".join(f"{s}={v[0] / v[1]:.3f}({v[1]})" for s, v in sorted(by_shape.items())))
    print("keep by class:   " + " ".join(f"{c}={v[0]}/{v[1]}" for c, v in sorted(kept.items())))
    kn = sum(v[0] for v in kept.values())
    kd = sum(v[1] for v in kept.values())
    nf, nn = found["name"]
    print(f"recall_names={nf / nn:.3f} structured_all_1={structured_ok} keep={kn / kd:.3f}")
    for m in misses[: a.misses]:
        print("MISS", m[0], repr(m[1]), "in", repr(m[2]))
    for c, l in lost[: a.misses]:
        print("LOST", c, repr(l))
    if not a.keep_dir:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
