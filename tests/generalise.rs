//! Issue 22: names the lists do not hold, and institutions, roles and headings that must be kept.
//! Every test text is invented.

use foiredact::detect::{detect, Finding};
use foiredact::rules::RuleSet;

fn rules() -> RuleSet {
    RuleSet::defaults().expect("default rules compile")
}

fn found(rs: &RuleSet, text: &str) -> Vec<String> {
    detect(rs, text)
        .into_iter()
        .map(|f: Finding| text[f.span].to_string())
        .collect()
}

/// Nothing in `text` is redacted.
fn kept(rs: &RuleSet, text: &str) {
    let f = found(rs, text);
    assert!(f.is_empty(), "{text:?} lost {f:?}");
}

#[test]
fn buildings_and_lines_named_after_people_are_kept() {
    let rs = rules();
    for t in [
        "The patient was taken to Queen Elizabeth Hospital for treatment.",
        "A second ambulance went to King George Hospital in Ilford.",
        "Delays on the Victoria Line were reported to the control room.",
        "The Jubilee Line and the Elizabeth Line were closed for the evening.",
        "The vessel was moored at Albert Dock during the operation.",
        "The hearing took place at Sir Robert Peel Court on the following day.",
        "Volunteers from St John Ambulance were present at the event.",
        "The service was held at St Mary's Church and was well attended.",
        "Patients were moved from St Thomas' Hospital overnight.",
        "The case was heard at Preston Crown Court in March.",
        "The scheme covers Milton Keynes, Hemel Hempstead and Merthyr Tydfil.",
        "Dorset Police and the Ministry of Justice were consulted.",
    ] {
        kept(&rs, t);
    }
}

#[test]
fn role_and_team_field_values_are_kept() {
    let rs = rules();
    for t in [
        "Name: Parking Services Team",
        "Signed: Head of Information Governance",
        "Address: Town Hall, Market Square",
        "Contact: Information Access Team",
        "Prepared by: Corporate Services Department",
    ] {
        kept(&rs, t);
    }
    // A person in the same fields is still found.
    assert_eq!(found(&rs, "Name: Morag Ahmed"), ["Morag Ahmed"]);
    assert_eq!(found(&rs, "Signed: J. Okafor"), ["J. Okafor"]);
}

#[test]
fn a_label_value_never_runs_over_a_heading_or_a_label() {
    let rs = rules();
    for t in [
        "Name:\nOffice of the Police and Crime Commissioner for Westshire",
        "Signature:\nRecord of Meeting",
        "Print name:\nSummary of Decision",
    ] {
        kept(&rs, t);
    }
}

#[test]
fn a_blank_signature_line_does_not_swallow_the_next_line() {
    let rs = rules();
    kept(&rs, "Witness signature:\nDate: 14 March 2025");
    kept(
        &rs,
        "Signature:\nThe Commissioner approved the decision after discussion with partners.",
    );
    // A signature on the next line is still taken.
    assert_eq!(found(&rs, "Signature:\nA. Person"), ["A. Person"]);
}

#[test]
fn an_address_never_runs_across_a_heading() {
    let rs = rules();
    kept(
        &rs,
        "Decision date: 13 June 2023\nSummary\nThe Road Safety Partnership met on Monday.",
    );
    kept(&rs, "on 13 June 2023 The Road Safety Partnership met.");
    // A street wrapped over one line is still one address.
    assert_eq!(
        found(&rs, "of 14 Alder\nClose, Westbury"),
        ["14 Alder\nClose"]
    );
}

#[test]
fn names_not_in_the_lists_are_found_by_context_and_shape() {
    let rs = rules();
    let cases = [
        (
            "Officers spoke to Zorvath Quenneby about the incident.",
            "Zorvath Quenneby",
        ),
        ("The witness, Hope Baker, said so.", "Hope Baker"),
        (
            "Yours sincerely,\nNuala Hanrahan\nComplaints Officer",
            "Nuala Hanrahan",
        ),
        ("Quenneby, Zorvath\tResident", "Quenneby, Zorvath"),
        ("signed by ZORVATH QUENNEBY", "ZORVATH QUENNEBY"),
        (
            "Both Zorvath Quenneby and a friend were present.",
            "Zorvath Quenneby",
        ),
    ];
    for (t, want) in cases {
        let f = found(&rs, t);
        assert!(f.iter().any(|x| x == want), "{t:?}: {f:?}");
    }
}

#[test]
fn the_bodys_own_contact_details_are_kept_when_listed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = concat!(
        "[organisation]\nemails = [\"foi@westshire.gov.uk\"]\ndomains = [\"westshire.gov.uk\"]\n",
        "phones = [\"0300 123 4567\"]\n"
    );
    std::fs::write(dir.path().join("org.toml"), src).expect("write");
    let mut paths = vec![dir.path().to_path_buf()];
    paths.push(std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules"
    )));
    let rs = RuleSet::from_paths(&paths).expect("rules");
    kept(
        &rs,
        "Contact the FOI team on 0300 123 4567 or foi@westshire.gov.uk.",
    );
    kept(&rs, "or write to enquiries@westshire.gov.uk");
    // A person's address at the body's domain, and another number, are still redacted.
    assert_eq!(
        found(&rs, "e-mail lily.marsh@westshire.gov.uk or 01632 960418"),
        ["lily.marsh@westshire.gov.uk", "01632 960418"]
    );
}

#[test]
fn keep_signatory_keeps_the_line_after_the_closing_only() {
    let mut rs = rules();
    let t = "Yours sincerely,\nHarriet Castellano\nComplaints Resolution Officer";
    assert_eq!(found(&rs, t), ["Harriet Castellano"]);
    rs.keep_signatory = true;
    kept(&rs, t);
    assert_eq!(
        found(&rs, "spoke to Harriet Castellano"),
        ["Harriet Castellano"]
    );
}

#[test]
fn vehicle_registrations_in_cells_and_at_line_ends() {
    let rs = rules();
    assert_eq!(found(&rs, "Ford\tFiesta\tLR19 XKA"), ["LR19 XKA"]);
    assert_eq!(found(&rs, "and the keeper traced: YA72 TCF."), ["YA72 TCF"]);
}

/// Random texts with letters of many scripts, punctuation and line breaks: the names rule never panics
/// (it reads text around a run at byte offsets) and its spans lie on character boundaries.
#[test]
fn the_names_rule_survives_any_text() {
    let rs = rules();
    let pieces = [
        "Zoë",
        "Niță",
        "Łukasz",
        "ŻERO",
        "’s",
        "Ahmed",
        "AHMED",
        "Dear",
        "spoke to",
        "\n",
        "\t",
        ", ",
        "█",
        "£40",
        "St",
        "Mary's",
        "Hospital",
        "J.",
        "O'Neill",
        "Al-Hashimi",
        "李",
        "Ωmega",
        "—",
        " ",
        "  ",
    ];
    let mut seed: u64 = 22;
    for _ in 0..3000 {
        let mut t = String::new();
        for _ in 0..12 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            t.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            if seed.is_multiple_of(3) {
                t.push(' ');
            }
        }
        for f in detect(&rs, &t) {
            assert!(t.is_char_boundary(f.span.start) && t.is_char_boundary(f.span.end));
        }
    }
}

/// Whether one finding is exactly `want`.
fn finds(rs: &RuleSet, text: &str, want: &str) {
    let f = found(rs, text);
    assert!(
        f.iter().any(|x| x == want),
        "{text:?}: want {want:?}, got {f:?}"
    );
}

/// The family name first, in capitals, then the given names in mixed case (UK court, immigration and
/// police papers): the whole name is found wherever the mixed-case form would be, by a cue before it, a
/// cell or a line of its own, or a listed first name or surname. Chinese, Vietnamese, Korean, Japanese,
/// Hungarian, Nigerian and British names; some listed, some not.
#[test]
fn family_name_first_in_capitals() {
    let rs = rules();
    for (t, want) in [
        ("Interpreter: WANG Xiaoming", "WANG Xiaoming"),
        ("The interpreter, NGUYEN Van An, attended.", "NGUYEN Van An"),
        ("Statement taken from KIM Min-jun on 3 May.", "KIM Min-jun"),
        (
            "Present: TANAKA Hiroshi (interpreter) and LI Na.",
            "TANAKA Hiroshi",
        ),
        ("Present: TANAKA Hiroshi (interpreter) and LI Na.", "LI Na"),
        ("Translator: HORVÁTH Zsófia", "HORVÁTH Zsófia"),
        ("SMITH John\tResident", "SMITH John"),
        ("PHAM Thi Lan\t07700 900123", "PHAM Thi Lan"),
        (
            "Officers spoke to QUENNEBY Zorvath about it.",
            "QUENNEBY Zorvath",
        ),
        (
            "The statement of OKONKWO Chiamaka was read.",
            "OKONKWO Chiamaka",
        ),
        (
            "Yesterday KOVÁCS Katalin telephoned the office.",
            "KOVÁCS Katalin",
        ),
        (
            "It was translated by PARK Seo-yeon on 3 May.",
            "PARK Seo-yeon",
        ),
    ] {
        finds(&rs, t, want);
    }
}

/// Headings, acronyms and labels in capitals before a capitalised word are no names, even on lines
/// of their own or after a cue.
#[test]
fn capitals_before_a_word_that_are_no_name_are_kept() {
    let rs = rules();
    for t in [
        "PART I",
        "FOIA Request",
        "NHS Trust",
        "DECISION Notice",
        "ANNEX A",
        "SECTION 40",
        "PERSONAL Data",
        "OFFICIAL Sensitive",
        "CCTV Footage",
        "Present: FOIA Officer",
        "The reply was sent by WESTSHIRE Council on Monday.",
        "PART I\n\nInterpreter services",
        "Interpreter: URGENT Action\nFOIA Request",
    ] {
        kept(&rs, t);
    }
}

/// Particles inside or before the surname (Spanish, Dutch, Malay, Arabic, Italian, Portuguese,
/// German): the whole run is one name.
#[test]
fn names_with_particles_are_found_whole() {
    let rs = rules();
    for (t, want) in [
        ("The tenant, Maria de la Cruz", "Maria de la Cruz"),
        (
            "Officers spoke to Jan van der Berg about it.",
            "Jan van der Berg",
        ),
        (
            "A complaint from Ahmed bin Salleh was received.",
            "Ahmed bin Salleh",
        ),
        (
            "Abdullah al-Rashid attended the meeting.",
            "Abdullah al-Rashid",
        ),
        ("Luca di Marco said so.", "Luca di Marco"),
        ("João dos Santos\tResident", "João dos Santos"),
        ("Ursula von Trier wrote to the council.", "Ursula von Trier"),
        ("Signed by Siti binti Rahman.", "Siti binti Rahman"),
    ] {
        finds(&rs, t, want);
    }
    for t in [
        "The route follows the Tour de France.",
        "They met on the Rue de la Paix.",
    ] {
        kept(&rs, t);
    }
}

/// A name never runs on over a line end into a role, heading or institution word, or a form's label;
/// a surname wrapped onto the next line still is part of the name.
#[test]
fn a_name_stops_at_a_role_on_the_next_line() {
    let rs = rules();
    for (t, name, role) in [
        (
            "The tenant, Maria de la Cruz\nResident since 2019.",
            "Maria de la Cruz",
            "Resident",
        ),
        ("Attendees: Jane Smith\nChair", "Jane Smith", "Chair"),
        ("Ravi Patel\nWitness", "Ravi Patel", "Witness"),
        ("Received from Cruz\nResident since 2019.", "", "Resident"),
        ("Taken by Evie\nPosition: Officer", "", "Position"),
    ] {
        let f = found(&rs, t);
        assert!(
            f.iter().all(|x| !x.contains(role)),
            "{t:?}: {role} redacted in {f:?}"
        );
        if !name.is_empty() {
            assert!(f.iter().any(|x| x == name), "{t:?}: {f:?}");
        }
    }
    finds(&rs, "the surveyor, Evie\nBriggs who", "Evie\nBriggs");
}
