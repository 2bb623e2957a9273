//! Table tests from the worked examples of DOMAIN.md, and property tests of what the law
//! promises whatever the numbers.

use proptest::prelude::*;

use super::*;

fn params() -> Params {
    crate::fixtures::params_april_2026()
}

fn adult(hours: u32) -> Member {
    Member {
        kind: Kind::Adult,
        hours,
        ..Member::default()
    }
}

fn child() -> Member {
    Member {
        kind: Kind::Child,
        ..Member::default()
    }
}

fn household(members: Vec<Member>, income: Minor) -> Household {
    Household {
        members,
        income,
        ..Household::default()
    }
}

fn amount(c: Calculator, h: &Household) -> Minor {
    calculate(c, "x", &params(), h).expect("calculates").amount
}

#[test]
fn dsp_worked_example_two_adults_two_children() {
    // (1 + 0.57 + 0.59 + 0.59) × 507.43 = 1,395.43 EUR
    let h = household(vec![adult(0), adult(0), child(), child()], 0);
    let c = calculate(Calculator::Dsp, "dsp", &params(), &h).expect("calculates");
    assert_eq!(c.amount, 139_543);
    assert!(c
        .steps
        .iter()
        .any(|s| s.key == "rights-calc-w-sum"
            && s.args.contains(&("sum".into(), Arg::Factor(27_500)))));
    assert!(c.used.contains(&"si.ozmd".to_string()));
    assert!(!c.used.contains(&"rs.base".to_string()));
}

#[test]
fn dsp_table() {
    let cases: Vec<(Household, Minor)> = vec![
        // A single person without income: the whole OZMD.
        (household(vec![adult(0)], 0), 50_743),
        // ... with 100 EUR income.
        (household(vec![adult(0)], 10_000), 40_743),
        // Working 60–128 h: 1.26 × 507.43 = 639.3618.
        (household(vec![adult(80)], 0), 63_936),
        // Working over 128 h: 1.51 × 507.43 = 766.2193.
        (household(vec![adult(160)], 0), 76_622),
        // Second adult working over 128 h: (1 + 0.83) × 507.43 = 928.5969.
        (household(vec![adult(0), adult(140)], 0), 92_860),
        // Single parent of two: (1 + 2 × 0.59 + 2 × 0.18) × 507.43 = 1,288.8722.
        (
            Household {
                single_parent: true,
                ..household(vec![adult(0), child(), child()], 0)
            },
            128_887,
        ),
        // Young person with parents: 0.70 × 507.43 = 355.201.
        (
            Household {
                situation: Some(Situation::YoungWithParents),
                ..household(vec![adult(0)], 0)
            },
            35_520,
        ),
        // Unable to work, with non-family: 0.76 × 507.43 = 385.6468.
        (
            Household {
                situation: Some(Situation::UnableWithNonFamily),
                ..household(vec![adult(0)], 0)
            },
            38_565,
        ),
        // Income above the norm: nothing.
        (household(vec![adult(0)], 60_000), 0),
    ];
    for (i, (h, want)) in cases.iter().enumerate() {
        assert_eq!(amount(Calculator::Dsp, h), *want, "case {i}");
    }
}

#[test]
fn extraordinary_dsp_limits() {
    let h = |requested, granted| Household {
        requested,
        granted_this_year: granted,
        ..household(vec![adult(0)], 0)
    };
    // Within one monthly minimum income: as asked.
    assert_eq!(amount(Calculator::DspExtraordinary, &h(30_000, 0)), 30_000);
    // More than a month's minimum income: at most 507.43.
    assert_eq!(amount(Calculator::DspExtraordinary, &h(90_000, 0)), 50_743);
    // Four and a half months granted already: half a month is left of five.
    assert_eq!(
        amount(Calculator::DspExtraordinary, &h(90_000, 228_344)),
        25_371
    );
    // All five used: nothing.
    assert_eq!(amount(Calculator::DspExtraordinary, &h(10_000, 253_715)), 0);
    assert_eq!(
        calculate(Calculator::DspExtraordinary, "x", &params(), &h(0, 0)),
        Err(CalcError::Input("requested"))
    );
}

#[test]
fn vd_maximum_for_a_single_person_living_alone() {
    // 0.47 × 507.43 = 238.49 EUR from April 2026.
    let h = Household {
        living_alone: true,
        ..household(vec![adult(0)], 0)
    };
    assert_eq!(amount(Calculator::Vd, &h), 23_849);
    // Income of 600 EUR: threshold 1.47 × 507.43 = 745.92; 145.92 is left below it.
    let h = Household {
        income: 60_000,
        ..h
    };
    assert_eq!(amount(Calculator::Vd, &h), 14_592);
    let h = Household {
        income: 80_000,
        ..h
    };
    assert_eq!(amount(Calculator::Vd, &h), 0);
}

fn foster_child(m: u32, f: u32, weekend: bool) -> FosterChild {
    FosterChild {
        maintenance_raise: m,
        fee_raise: f,
        weekend_only: weekend,
        ..FosterChild::default()
    }
}

#[test]
fn foster_care_amounts() {
    let h = |children| Household {
        children,
        ..Household::default()
    };
    // 638 + 460 = 1,098 EUR from 1 Nov 2025.
    assert_eq!(
        amount(Calculator::Foster, &h(vec![foster_child(0, 0, false)])),
        109_800
    );
    // +25 % on the fee: 638 + 575 = 1,213.
    assert_eq!(
        amount(Calculator::Foster, &h(vec![foster_child(0, 25, false)])),
        121_300
    );
    // +50 % on both: 957 + 690 = 1,647, exactly the cap.
    assert_eq!(
        amount(Calculator::Foster, &h(vec![foster_child(50, 50, false)])),
        164_700
    );
    // Weekends only: 75 % of 1,098 = 823.50.
    assert_eq!(
        amount(Calculator::Foster, &h(vec![foster_child(0, 0, true)])),
        82_350
    );
    // Two children add up.
    assert_eq!(
        amount(
            Calculator::Foster,
            &h(vec![foster_child(0, 0, false), foster_child(0, 0, true)])
        ),
        192_150
    );
    assert_eq!(
        calculate(
            Calculator::Foster,
            "x",
            &params(),
            &h(vec![foster_child(30, 0, false)])
        ),
        Err(CalcError::Input("maintenance_raise"))
    );
}

#[test]
fn foster_cap_applies_when_raises_exceed_it() {
    let mut p = params();
    p.set("si.foster.cap", 150_000);
    let h = Household {
        children: vec![foster_child(50, 50, false)],
        ..Household::default()
    };
    let c = calculate(Calculator::Foster, "x", &p, &h).expect("calculates");
    assert_eq!(c.amount, 150_000);
    assert!(c.steps.iter().any(|s| s.key == "rights-calc-foster-cap"));
}

#[test]
fn republika_srpska_amounts() {
    // Single person, base 1,580 KM: 17 % = 268.60 KM.
    assert_eq!(
        amount(Calculator::RsCash, &household(vec![adult(0)], 0)),
        26_860
    );
    // Household of 4 with 100 KM income: 30 % = 474.00 − 100 = 374.00.
    assert_eq!(
        amount(
            Calculator::RsCash,
            &household(vec![adult(0), adult(0), child(), child()], 10_000)
        ),
        37_400
    );
    // Six members count as five or more: 33 % = 521.40.
    assert_eq!(
        amount(Calculator::RsCash, &household(vec![adult(0); 6], 0)),
        52_140
    );
    let care = |d| Household {
        care_degree: Some(d),
        ..Household::default()
    };
    assert_eq!(amount(Calculator::RsCare, &care(CareDegree::Full)), 34_760);
    assert_eq!(
        amount(Calculator::RsCare, &care(CareDegree::Partial)),
        17_380
    );
    let dis = |d| Household {
        impairment: Some(d),
        ..Household::default()
    };
    assert_eq!(amount(Calculator::RsDisability, &dis(100)), 26_860);
    assert_eq!(amount(Calculator::RsDisability, &dis(70)), 15_800);
    assert_eq!(
        calculate(Calculator::RsDisability, "x", &params(), &dis(60)),
        Err(CalcError::Input("impairment"))
    );
    // One-off: what is asked, up to one base.
    let one = |r| Household {
        requested: r,
        ..Household::default()
    };
    assert_eq!(amount(Calculator::RsOneOff, &one(30_000)), 30_000);
    assert_eq!(amount(Calculator::RsOneOff, &one(500_000)), 158_000);
}

#[test]
fn disability_allowance_of_2020() {
    // 2020: 15/13/11/9 % of 906 KM.
    let mut p = params();
    p.set("rs.base", 90_600)
        .set("rs.disability.100", 1_500)
        .set("rs.disability.70", 900);
    let h = Household {
        impairment: Some(100),
        ..Household::default()
    };
    assert_eq!(
        calculate(Calculator::RsDisability, "x", &p, &h).map(|c| c.amount),
        Ok(13_590)
    );
    let h = Household {
        impairment: Some(70),
        ..Household::default()
    };
    assert_eq!(
        calculate(Calculator::RsDisability, "x", &p, &h).map(|c| c.amount),
        Ok(8_154)
    );
}

#[test]
fn funding_split_adds_up() {
    let shares = vec![
        ("entity".to_string(), 5_000),
        ("municipality".to_string(), 5_000),
    ];
    assert_eq!(
        split(26_861, &shares),
        vec![
            ("entity".to_string(), 13_431),
            ("municipality".to_string(), 13_430)
        ]
    );
}

#[test]
fn missing_parameters_and_inputs_are_named() {
    let mut p = params();
    p.0.remove("si.ozmd");
    assert_eq!(
        calculate(Calculator::Dsp, "x", &p, &household(vec![adult(0)], 0)),
        Err(CalcError::MissingParam("si.ozmd".into()))
    );
    assert_eq!(
        calculate(Calculator::Dsp, "x", &params(), &household(vec![], 0)),
        Err(CalcError::Input("members"))
    );
    let mut p = params();
    p.set("trebinje_incontinence.amount", 6_000);
    assert_eq!(
        calculate(
            Calculator::Fixed,
            "trebinje_incontinence",
            &p,
            &Household::default()
        )
        .map(|c| c.amount),
        Ok(6_000)
    );
}

#[test]
fn household_json_reads_amounts_as_text_or_numbers() {
    let h: Household = serde_json::from_str(
        r#"{"members":[{"kind":"adult"},{"kind":"child","name":"Ana"}],"income":"120,50","requested":40}"#,
    )
    .expect("parses");
    assert_eq!(h.income, 12_050);
    assert_eq!(h.requested, 4_000);
    let h: Household = serde_json::from_str(r#"{"income":120.5}"#).expect("parses");
    assert_eq!(h.income, 12_050);
    assert!(serde_json::from_str::<Household>(r#"{"incme":1}"#).is_err());
}

fn arb_member() -> impl Strategy<Value = Member> {
    (prop::bool::ANY, 0u32..200).prop_map(|(child, hours)| Member {
        kind: if child { Kind::Child } else { Kind::Adult },
        hours: if child { 0 } else { hours },
        ..Member::default()
    })
}

fn arb_household() -> impl Strategy<Value = Household> {
    (
        prop::collection::vec(arb_member(), 1..9),
        0i64..300_000,
        prop::bool::ANY,
    )
        .prop_map(|(members, income, single_parent)| Household {
            members,
            income,
            single_parent,
            living_alone: false,
            ..Household::default()
        })
}

proptest! {
    #[test]
    fn more_income_never_raises_dsp(h in arb_household(), more in 0i64..100_000) {
        for c in [Calculator::Dsp, Calculator::Vd, Calculator::RsCash] {
            let a = amount(c, &h);
            let b = amount(c, &Household { income: h.income + more, ..h.clone() });
            prop_assert!(b <= a, "{c:?}: {b} > {a}");
        }
    }

    #[test]
    fn a_larger_household_never_lowers_the_norm(h in arb_household(), m in arb_member()) {
        let zero = Household { income: 0, ..h.clone() };
        let mut bigger = zero.clone();
        bigger.members.push(m);
        for c in [Calculator::Dsp, Calculator::RsCash] {
            prop_assert!(amount(c, &bigger) >= amount(c, &zero), "{c:?}");
        }
    }

    #[test]
    fn amounts_are_never_negative(h in arb_household(), requested in 1i64..1_000_000) {
        let h = Household { requested, impairment: Some(80), care_degree: Some(CareDegree::Partial), ..h };
        for c in Calculator::ALL {
            if c == Calculator::Foster || c == Calculator::Fixed {
                continue;
            }
            prop_assert!(amount(c, &h) >= 0, "{c:?}");
        }
    }

    #[test]
    fn dsp_rounds_the_exact_product_to_the_cent(h in arb_household()) {
        // The norm computed in exact rational arithmetic (weights in ten-thousandths,
        // OZMD in cents) and rounded half up must be what the calculator subtracts from.
        let c = calculate(Calculator::Dsp, "x", &params(), &Household { income: 0, ..h.clone() }).expect("calculates");
        let sum = c.steps.iter().find(|s| s.key == "rights-calc-w-sum").and_then(|s| match &s.args[0].1 { Arg::Factor(f) => Some(*f), _ => None }).expect("sum");
        let exact = 50_743i128 * sum as i128;
        let rounded = ((exact + 5_000) / 10_000) as i64;
        prop_assert_eq!(c.amount, rounded);
        let with_income = amount(Calculator::Dsp, &h);
        prop_assert_eq!(with_income, (rounded - h.income).max(0));
    }
}

#[test]
fn funding_reads_as_shares() {
    assert_eq!(
        parse_funding("entity:5000, municipality : 5000"),
        vec![
            ("entity".to_string(), 5_000),
            ("municipality".to_string(), 5_000)
        ]
    );
    assert_eq!(
        parse_funding("state:10000"),
        vec![("state".to_string(), 10_000)]
    );
    assert!(parse_funding("").is_empty());
    assert_eq!(
        parse_funding("state:x,town:3000"),
        vec![("town".to_string(), 3_000)]
    );
}

#[test]
fn exemption_from_paying_for_home_help() {
    // A woman living alone, 700.00 EUR of pension, home help would cost her 120.00 a
    // month: her safety limit is 507.43 x 1.2 = 608.92, so she can pay 91.08.
    let mut h = household(vec![adult(0)], 70_000);
    h.requested = 12_000;
    let c = calculate(Calculator::Exemption, "si_hh_exemption", &params(), &h).expect("calc");
    assert_eq!(c.amount, 9_108);
    assert!(c.used.contains(&"si.exemption.margin".to_string()));
    // Below the limit: full exemption (pays 0).
    h.income = 50_000;
    let c = calculate(Calculator::Exemption, "si_hh_exemption", &params(), &h).expect("calc");
    assert_eq!(c.amount, 0);
    // Well above: pays the whole price.
    h.income = 150_000;
    let c = calculate(Calculator::Exemption, "si_hh_exemption", &params(), &h).expect("calc");
    assert_eq!(c.amount, 12_000);
    // No price asked: nothing to exempt from.
    h.requested = 0;
    assert!(calculate(Calculator::Exemption, "si_hh_exemption", &params(), &h).is_err());
}
