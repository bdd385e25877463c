#!/usr/bin/env python3
"""Builds the name and word lists in rules/data from open data reached through package registries.

    python3 rules/data/make_names.py            # fetches the two PyPI packages with `pip download`
    python3 rules/data/make_names.py --faker DIR --names DIR   # or reads unpacked copies

Writes (see rules/data/README.md for the sources and their licences):
  first-names.txt   one first name a line, then a tab and the origins it came from
  surnames.txt      the same for surnames
  english-words.txt common English words (lower case): a capitalised one needs context to be a name

Inputs:
  * PyPI `faker` (MIT): the person providers of the locales below (Latin-script names only).
  * PyPI `names` 0.3.0 (MIT; its data files are the US Census Bureau's 1990 name frequency files, public
    domain): dist.male.first, dist.female.first, dist.all.last.
  * Debian `wbritish` (SCOWL, permissive licence): /usr/share/dict/british-english, for english-words.txt.
  * The lists in HAND below, compiled by the foiredact authors from general knowledge (CC0).
"""

import argparse
import glob
import importlib
import os
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))

# faker locale -> origin tag
FAKER = {
    "en_GB": "gb", "en_IE": "ie", "ga_IE": "ie", "pl_PL": "pl", "ro_RO": "ro", "lt_LT": "lt",
    "en_PK": "pk", "en_IN": "in", "en_NG": "ng", "yo_NG": "ng", "ig_NG": "ng", "ha_NG": "ng",
    "tw_GH": "gh", "zh_CN": "zh", "pt_PT": "pt", "pt_BR": "pt", "en_US": "us",
}

# Origins that faker lacks or holds only in another script: (origin, kind) -> names.
HAND = {
    ("sc", "first"): """Morag Ailsa Eilidh Mhairi Kirsty Fiona Iona Isla Catriona Shona Morven Ishbel Elspeth Flora
        Lorna Rhona Seonaid Kenna Marsaili Ciorstaidh Eilish Greer Skye Innes Hamish Angus Fraser Struan Ruaridh
        Ruairidh Calum Callum Euan Ewan Fergus Finlay Finley Lachlan Alasdair Alistair Murdo Torquil Gregor
        Dougal Duncan Crawford Craig Blair Graeme Kyle Coinneach Iain Ruaraidh Somhairle Tormod Uisdean Ailig
        Campbell Keir Kenzie Rowan Cailean Mairi Ealasaid Sorcha Una Jessamine Kirstin Elsie Aileas""",
    ("sc", "last"): """MacDonald Macdonald MacLeod Macleod MacKenzie Mackenzie Mackay MacKay Mackintosh Macpherson
        MacLean Maclean Campbell Stewart Fraser Robertson Murray Cameron Sinclair Munro Buchanan Gillespie
        Lamont Menzies Drummond Ferguson Henderson Paterson Urquhart Farquharson Sutherland Gunn Matheson
        McLeish McIntyre Kennedy Gordon Douglas Hamilton Crichton Lennox McGregor MacGregor McAllister
        McAlpine McCulloch McDougall MacDougall McEwan McFarlane Macfarlane McGillivray McInnes McIntosh
        McKay McKinnon MacKinnon McLaren McLaughlin McMillan Macmillan McNab McNeil MacNeil McPhee McQueen
        McRae Macrae Ogilvie Rennie Baird Bain Laird Lindsay Kerr Cunningham Dunbar Dalgleish Colquhoun
        Galbraith Graham Forsyth Imrie Kirkpatrick Lockhart Moffat Nairn Rutherford Shand Strachan Tait
        Traquair Wishart Younger Abernethy Auchterlonie Balfour Chisholm Dewar Elphinstone Erskine""",
    ("cy", "first"): """Cerys Bethan Eleri Sioned Seren Rhiannon Angharad Ffion Nia Carys Manon Elin Catrin Lowri
        Mali Gwenllian Heledd Llinos Delyth Nerys Glenys Dilys Gwyneth Rhian Non Mererid Efa Alaw Lleucu
        Rhys Dafydd Gethin Iwan Owain Emyr Gareth Geraint Huw Ieuan Llewelyn Llywelyn Meirion Rhodri Tomos
        Aled Alun Bryn Cai Cadi Dewi Elis Emrys Gruffydd Hywel Ifan Islwyn Osian Steffan Tudur Wyn Idris
        Iestyn Macsen Bedwyr Caradog Cynan Deiniol Elfed Gwion Gwilym Ioan Math Peredur Sion Trystan""",
    ("cy", "last"): """Jones Williams Davies Evans Thomas Roberts Hughes Lewis Morgan Griffiths Owen Price
        Pritchard Parry Lloyd Rees Powell Howells Bowen Vaughan Jenkins Prosser Prydderch Llewellyn Gwynne
        Pugh Bevan Probert Meredith Edwards Humphreys Watkins Jarvis Rowlands Gruffydd Howell Griffith
        Beddoe Cadwaladr Gough Gwilliam Hopkin Ifans Jenkin Llywelyn Maddox Merrick Nicholas Onions Parri
        Penry Preece Prydderch Pryce Rhydderch Vychan Wynne Bowen Gittins Bellis""",
    ("bd", "first"): """Mohammed Abdul Rahim Karim Shafiq Rafiq Jamal Kamal Habib Mizanur Mahbub Mujibur Shahidul
        Rezaul Anisur Ashraful Faruk Masud Nazrul Rubel Sumon Sohel Tanvir Farhana Nasrin Shirin Rokeya
        Taslima Salma Shahnaz Rehana Rashida Sharmin Sadia Nusrat Tahmina Laila Jesmin Rupa Mousumi Shila
        Abul Anwar Delwar Dilwar Enamul Fazlul Golam Harun Jahangir Kabir Lutfur Mamun Motiur Nurul Rakib
        Saiful Shamim Shahin Sirajul Tofazzal Zahirul Ayesha Fahmida Hasina Jannat Khaleda Mahmuda Morium
        Nasima Parveen Rabeya Shabnam Shamima Sufia Tania Yasmin Rumana Shamsun Husna Rufia""",
    ("bd", "last"): """Rahman Hossain Hussain Islam Uddin Ahmed Chowdhury Miah Begum Khatun Akter Akhter Sultana
        Alam Haque Hoque Sarkar Talukder Bhuiyan Mollah Sheikh Khan Siddique Kabir Karim Rashid Bari
        Majumder Das Roy Saha Paul Ali Sikder Mridha Howlader Biswas Mondal Molla Munshi Shikder Khandaker
        Bepari Matubbar Sardar Ullah Hasan Mahmud Ahmad Aziz Malik Mia Choudhury Chaudhury Rabbani""",
    ("so", "first"): """Abdi Abdirahman Abdullahi Mohamed Mohamud Ahmed Hassan Hussein Ismail Yusuf Farah Omar Ali
        Osman Abdikarim Abdiaziz Abdirashid Abdiqadir Said Jama Warsame Liban Guled Mukhtar Hamza Nuur
        Fadumo Hodan Hibo Ifrah Idil Sahra Hawa Khadra Amina Asha Halima Ubah Nasra Sagal Deqa Faisa Hamdi
        Maryan Ayan Anisa Sucdi Ladan Abdiwali Abshir Bashir Cabdi Dahir Faarax Geedi Hirsi Ilyas Khalif
        Mahad Mahamed Nasir Qasim Sharmarke Yonis Zakariye Ayaan Bilan Fartun Hinda Istahil Kaltun
        Muna Nimco Qamar Roda Saynab Shukri Xaawo Zamzam""",
    ("so", "last"): """Abdi Farah Warsame Jama Egal Aden Hersi Dirie Samatar Elmi Gedi Duale Nur Omar Osman
        Abdullahi Ali Hassan Mohamed Ahmed Yusuf Ismail Hussein Mohamud Guled Barre Dahir Shire Bihi
        Abdille Hirsi Awale Geele Muse Qasim Roble Mire Gure Kahin Isse Yasin Adan Abdirahman Afrah
        Ahmed Bulhan Dualeh Ducale Gabow Galaydh Hashi Jibril Kulmiye Mahamud Nuh Omaar Sheekh Tarabi
        Warfa Xasan Yare""",
    ("ar", "first"): """Mohammed Muhammad Ahmed Ali Omar Khalid Youssef Yousef Ibrahim Hassan Hussein Mahmoud
        Mustafa Tariq Karim Samir Nabil Walid Ziad Faisal Hamza Bilal Rami Fadi Majid Adel Anas Amr
        Bassam Hisham Jamal Marwan Nasser Rashid Saeed Sami Tamer Yasser Fatima Aisha Maryam Layla Leila
        Noor Huda Rania Dina Lina Hala Salma Yasmin Amal Hanan Nadia Samira Sara Reem Rasha Mona Manal
        Asma Zeinab Abdullah Abdulaziz Abdelrahman Ayman Basel Ghassan Haitham Imad Jihad Kareem Louay
        Mazen Mohannad Nizar Osama Qusay Raed Saleh Tawfiq Wael Yazan Zaid Abeer Aya Dalia Ghada Hiba
        Inas Jumana Lubna Maha Nour Raghad Rawan Shatha Tasneem Wafa Yara""",
    ("ar", "last"): """Al-Hashimi Haddad Khoury Mansour Nasser Saleh Hamdan Abdullah Aziz Darwish Farouk Ghanem
        Habib Hijazi Ibrahim Jaber Kassem Khalil Masri Nassar Odeh Qasim Rahman Sabbagh Shami Sharif
        Suleiman Taha Yassin Zaidi Al-Amin Al-Sayed El-Sayed Mahmoud Hussein Othman Shalabi Bakr Awad
        Barakat Daoud Fakhoury Hamad Issa Jamil Karam Lahham Matar Nimer Obeid Rizk Sayegh Tawil Zaki
        Al-Masri Al-Rashid Al-Khatib Al-Najjar Al-Tamimi Al-Zahrani Abboud Aboud Asfour Bitar Chalabi
        Dabbagh Farah Ghazal Hakim Hammoud Jabbour Kanaan Khatib Mourad Najjar Qureshi Rashed Saab
        Salameh Tannous Younes""",
    # Family-name-first origins (written "NGUYEN Van An", "KIM Min-jun", "TANAKA Hiroshi", "SZABÓ Péter" in
    # UK court, immigration and police papers).
    ("vi", "first"): """An Anh Binh Chau Cuong Dat Duc Dung Giang Ha Hai Hanh Hieu Hoa Hung Huong Huy Khanh Khoa
        Lan Linh Long Mai Minh Nam Nga Ngoc Phuong Quang Quynh Thanh Thao Thu Thuy Trang Tuan Tung Van Vy
        Xuan Yen""",
    ("vi", "last"): """Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly Truong Dinh Lam
        Trinh Doan Luong Cao Thai Quach Kieu Vuong Tong Ha Lai Mac Trieu Luu""",
    ("ko", "first"): """Min-jun Seo-yeon Ji-woo Ha-eun Do-yun Seo-jun Ji-ho Su-bin Ye-jin Hyun-woo Ji-hoon
        Min-seo Eun-ji Jae-won Sung-min Young-ho Hye-jin Jin-woo Dong-hyun Yu-na Soo-ah Tae-yang Ji-min
        Seung-woo Na-yeon Min-ho Jung-hoon Kyung-soo Sun-hee Mi-kyung Joon-young Hee-jin Sang-woo""",
    ("ko", "last"): """Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo
        Hong Jeon Ko Moon Yang Son Bae Baek Heo Nam Noh Ryu Chung Yeo""",
    ("ja", "first"): """Hiroshi Takashi Kenji Yuki Haruto Sota Yuto Ren Daiki Kaito Satoshi Akira Kazuki Takumi
        Naoki Yui Aoi Hina Sakura Yuna Mei Rin Haruka Misaki Ayaka Nanami Emi Keiko Yoko Tomoko Kaori Mariko
        Shota Ryota Kenta Yusuke Daisuke Hiroko Noriko""",
    ("ja", "last"): """Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida
        Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori Abe Ikeda Hashimoto
        Ishikawa Ogawa Fujita Okada Goto Hasegawa Murakami Kondo Ishii Saito Sakamoto Endo Aoki Fujii""",
    ("hu", "first"): """Péter László István József Zoltán Sándor Gábor Ferenc Attila Tamás Zsolt Balázs Csaba
        Tibor Levente Bence Dániel Ádám Mária Erzsébet Katalin Éva Ilona Anikó Zsuzsanna Judit Ágnes
        Krisztina Eszter Réka Noémi Zsófia Gergely Márton Botond Enikő Tünde Orsolya""",
    ("hu", "last"): """Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp Takács
        Juhász Lakatos Mészáros Oláh Simon Rácz Fekete Szilágyi Török Fehér Balázs Gál Kis Szűcs Kocsis
        Orsós Pintér Fodor Szalai Sipos Magyar Lukács Gulyás Biró Király Katona""",
}


def fold(s):
    """Accents off, as the rules fold text before matching."""
    special = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "’": "'"}
    out = []
    for c in s:
        if c in special:
            out.append(special[c])
            continue
        d = unicodedata.normalize("NFD", c)
        out.append("".join(x for x in d if not unicodedata.combining(x)))
    return "".join(out)


def ok_name(n):
    f = fold(n)
    return (len(f) >= 2 and f[0].isupper() and f.isascii()
            and all(c.isalpha() or c in "-'" for c in f) and not f.isupper())


def nice(n):
    """US Census names are in capitals: SMITH -> Smith, MCDONALD -> McDonald, O'NEIL -> O'Neil."""
    if not n.isupper():
        return n
    n = n.capitalize()
    for p in ("Mc", "O'", "D'"):
        if n.startswith(p) and len(n) > len(p):
            n = n[: len(p)] + n[len(p)].upper() + n[len(p) + 1:]
    return "-".join(x[:1].upper() + x[1:] for x in n.split("-"))


def fetch(tmp):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                    "faker", "names==0.3.0"], check=True)
    fk = os.path.join(tmp, "faker")
    with zipfile.ZipFile(glob.glob(os.path.join(tmp, "faker-*.whl"))[0]) as z:
        z.extractall(fk)
    with tarfile.open(glob.glob(os.path.join(tmp, "names-*.tar.gz"))[0]) as t:
        t.extractall(tmp)
    return fk, glob.glob(os.path.join(tmp, "names-*", "names"))[0]


def faker_names(fk):
    sys.path.insert(0, fk)
    out = {"first": {}, "last": {}}
    for loc, origin in FAKER.items():
        mod = importlib.import_module(f"faker.providers.person.{loc}")
        prov = mod.Provider
        for attr in dir(prov):
            low = attr.lower()
            if "name" not in low or "prefix" in low or "suffix" in low or "format" in low:
                continue
            if loc == "zh_CN" and "romanized" not in low:
                continue
            kind = "first" if "first" in low else "last" if "last" in low else None
            if kind is None:
                continue
            val = getattr(prov, attr)
            if isinstance(val, dict):
                val = list(val.keys())
            if not isinstance(val, (list, tuple)):
                continue
            for n in val:
                if isinstance(n, str) and " " not in n and ok_name(n):
                    out[kind].setdefault(n, set()).add(origin)
    return out


def census_names(d):
    out = {"first": {}, "last": {}}
    for f, kind in (("dist.male.first", "first"), ("dist.female.first", "first"), ("dist.all.last", "last")):
        for line in open(os.path.join(d, f), encoding="ascii"):
            n = line.split()[0] if line.strip() else ""
            n = nice(n)
            if ok_name(n):
                out[kind].setdefault(n, set()).add("us")
    return out


HEADER = {
    "first": "First names",
    "last": "Surnames",
}


def write(kind, names):
    path = os.path.join(HERE, "first-names.txt" if kind == "first" else "surnames.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# {HEADER[kind]}: one a line, then a tab and the origins of the lists it came from. Built by\n"
                "# rules/data/make_names.py; sources and licences in rules/data/README.md. Origins: us = US Census\n"
                "# 1990; gb ie pl ro lt pk in ng gh zh pt = Faker's locale lists; sc cy bd so ar vi ko ja hu mixed =\n"
                "# compiled by the foiredact authors (CC0).\n")
        for n in sorted(names, key=lambda x: (fold(x).lower(), x)):
            f.write(f"{n}\t{','.join(sorted(names[n]))}\n")
    print(f"{path}: {len(names)}")


def words():
    src = "/usr/share/dict/british-english"
    ws = sorted({w.strip() for w in open(src, encoding="utf-8")
                 if w.strip().isascii() and w.strip().isalpha() and w.strip().islower() and len(w.strip()) >= 2})
    path = os.path.join(HERE, "english-words.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Common English words (the lower-case entries of SCOWL's British English list, Debian package\n"
                "# wbritish; permissive licence, see rules/data/README.md). A capitalised word that is also one of\n"
                "# these is a name only with context (a title, a label, a listed surname, a cue word).\n")
        f.write("\n".join(ws) + "\n")
    print(f"{path}: {len(ws)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--faker", help="an unpacked faker wheel (the folder holding faker/)")
    ap.add_argument("--names", help="the names/ folder of the unpacked names 0.3.0 sdist")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fk, nm = (a.faker, a.names) if a.faker and a.names else fetch(tmp)
        got = {"first": {}, "last": {}}
        for part in (census_names(nm), faker_names(fk)):
            for kind in got:
                for n, o in part[kind].items():
                    got[kind].setdefault(n, set()).update(o)
    extra = os.path.join(HERE, "first-names-extra.txt")
    HAND[("mixed", "first")] = " ".join(
        l for l in open(extra, encoding="utf-8").read().splitlines() if not l.startswith("#"))
    for (origin, kind), text in HAND.items():
        for n in text.split():
            if not n.startswith("#") and ok_name(n):
                got[kind].setdefault(n, set()).add(origin)
    for kind in got:
        write(kind, got[kind])
    words()


if __name__ == "__main__":
    main()
