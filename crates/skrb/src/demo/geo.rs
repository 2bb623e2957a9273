//! The demo's geography at each scale: centres, their units, and the municipalities
//! they serve, with how many people each municipality has (the generator's weights).

use skrb_kit::db::Tx;
use skrb_kit::sql;

/// How big a demo to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// A few hundred persons in CSD Velenje and CSR Trebinje: a quick look.
    Small,
    /// CSD Velenje: about 45,000 inhabitants in 3 municipalities, 10,000 persons known.
    Centre,
    /// 16 centres with their units and municipalities, 2 million persons.
    Country,
}

impl Scale {
    /// Persons generated unless `--persons` says otherwise.
    pub fn default_persons(self) -> usize {
        match self {
            Scale::Small => 400,
            Scale::Centre => 10_000,
            Scale::Country => 2_000_000,
        }
    }
}

/// A municipality people live in, as the generator needs it.
pub struct Place {
    pub centre_id: i64,
    pub municipality_id: i64,
    pub postal_code: String,
    pub place: String,
    pub serbian: bool,
    /// Inhabitants: the share of generated households that live here.
    pub weight: u32,
}

struct Muni {
    name: &'static str,
    postal: &'static str,
    people: u32,
}

const fn m(name: &'static str, postal: &'static str, people: u32) -> Muni {
    Muni {
        name,
        postal,
        people,
    }
}

/// Slovenia's 16 regional centres for social work, each with two units of two
/// municipalities (a simplification: real units serve more, smaller municipalities).
/// A unit and the municipalities it serves.
type Unit = (&'static str, [Muni; 2]);

const COUNTRY: &[(&str, &str, [Unit; 2])] = &[
    (
        "csd-velenje",
        "CSD Savinjsko-šaleška",
        [
            (
                "Enota Velenje",
                [m("Velenje", "3320", 33_000), m("Šoštanj", "3325", 8_700)],
            ),
            (
                "Enota Žalec",
                [m("Žalec", "3310", 21_000), m("Mozirje", "3330", 4_100)],
            ),
        ],
    ),
    (
        "csd-ljubljana",
        "CSD Ljubljana",
        [
            (
                "Enota Center",
                [m("Ljubljana", "1000", 295_000), m("Ig", "1292", 7_500)],
            ),
            (
                "Enota Vič",
                [
                    m("Brezovica", "1351", 12_800),
                    m("Škofljica", "1291", 11_600),
                ],
            ),
        ],
    ),
    (
        "csd-maribor",
        "CSD Maribor",
        [
            (
                "Enota Maribor",
                [m("Maribor", "2000", 113_000), m("Ruše", "2342", 7_000)],
            ),
            (
                "Enota Pesnica",
                [m("Pesnica", "2211", 7_500), m("Starše", "2205", 4_100)],
            ),
        ],
    ),
    (
        "csd-celje",
        "CSD Celje",
        [
            (
                "Enota Celje",
                [m("Celje", "3000", 49_000), m("Vojnik", "3212", 9_000)],
            ),
            (
                "Enota Laško",
                [m("Laško", "3270", 12_900), m("Šentjur", "3230", 19_000)],
            ),
        ],
    ),
    (
        "csd-gorenjska",
        "CSD Gorenjska",
        [
            (
                "Enota Kranj",
                [m("Kranj", "4000", 57_000), m("Škofja Loka", "4220", 23_500)],
            ),
            (
                "Enota Jesenice",
                [
                    m("Jesenice", "4270", 21_500),
                    m("Radovljica", "4240", 19_000),
                ],
            ),
        ],
    ),
    (
        "csd-goriska",
        "CSD Goriška",
        [
            (
                "Enota Nova Gorica",
                [
                    m("Nova Gorica", "5000", 32_000),
                    m("Ajdovščina", "5270", 19_500),
                ],
            ),
            (
                "Enota Tolmin",
                [m("Tolmin", "5220", 11_000), m("Idrija", "5280", 11_800)],
            ),
        ],
    ),
    (
        "csd-juzna-primorska",
        "CSD Južna Primorska",
        [
            (
                "Enota Koper",
                [m("Koper", "6000", 53_000), m("Izola", "6310", 16_500)],
            ),
            (
                "Enota Piran",
                [m("Piran", "6330", 18_000), m("Sežana", "6210", 13_800)],
            ),
        ],
    ),
    (
        "csd-koroska",
        "CSD Koroška",
        [
            (
                "Enota Slovenj Gradec",
                [
                    m("Slovenj Gradec", "2380", 17_000),
                    m("Dravograd", "2370", 9_000),
                ],
            ),
            (
                "Enota Ravne",
                [
                    m("Ravne na Koroškem", "2390", 11_300),
                    m("Radlje ob Dravi", "2360", 6_200),
                ],
            ),
        ],
    ),
    (
        "csd-pomurje",
        "CSD Pomurje",
        [
            (
                "Enota Murska Sobota",
                [
                    m("Murska Sobota", "9000", 18_500),
                    m("Gornja Radgona", "9250", 8_300),
                ],
            ),
            (
                "Enota Lendava",
                [m("Lendava", "9220", 10_200), m("Ljutomer", "9240", 11_200)],
            ),
        ],
    ),
    (
        "csd-posavje",
        "CSD Posavje",
        [
            (
                "Enota Krško",
                [m("Krško", "8270", 26_000), m("Brežice", "8250", 24_500)],
            ),
            (
                "Enota Sevnica",
                [
                    m("Sevnica", "8290", 17_500),
                    m("Kostanjevica na Krki", "8311", 2_500),
                ],
            ),
        ],
    ),
    (
        "csd-zasavje",
        "CSD Zasavje",
        [
            (
                "Enota Trbovlje",
                [m("Trbovlje", "1420", 16_000), m("Hrastnik", "1430", 9_200)],
            ),
            (
                "Enota Zagorje",
                [
                    m("Zagorje ob Savi", "1410", 16_400),
                    m("Litija", "1270", 15_700),
                ],
            ),
        ],
    ),
    (
        "csd-dolenjska",
        "CSD Dolenjska in Bela krajina",
        [
            (
                "Enota Novo mesto",
                [
                    m("Novo mesto", "8000", 37_000),
                    m("Trebnje", "8210", 13_300),
                ],
            ),
            (
                "Enota Črnomelj",
                [m("Črnomelj", "8340", 14_300), m("Metlika", "8330", 8_400)],
            ),
        ],
    ),
    (
        "csd-spodnje-podravje",
        "CSD Spodnje Podravje",
        [
            (
                "Enota Ptuj",
                [m("Ptuj", "2250", 23_500), m("Kidričevo", "2325", 6_500)],
            ),
            (
                "Enota Ormož",
                [m("Ormož", "2270", 11_800), m("Lenart", "2230", 8_500)],
            ),
        ],
    ),
    (
        "csd-osrednja-vzhod",
        "CSD Osrednja Slovenija – vzhod",
        [
            (
                "Enota Domžale",
                [m("Domžale", "1230", 37_000), m("Kamnik", "1241", 30_000)],
            ),
            (
                "Enota Grosuplje",
                [m("Grosuplje", "1290", 21_500), m("Kočevje", "1330", 15_700)],
            ),
        ],
    ),
    (
        "csd-osrednja-zahod",
        "CSD Osrednja Slovenija – zahod",
        [
            (
                "Enota Vrhnika",
                [m("Vrhnika", "1360", 17_800), m("Logatec", "1370", 14_500)],
            ),
            (
                "Enota Medvode",
                [m("Medvode", "1215", 17_000), m("Cerknica", "1380", 11_800)],
            ),
        ],
    ),
    (
        "csd-primorsko-notranjska",
        "CSD Primorsko-notranjska",
        [
            (
                "Enota Postojna",
                [m("Postojna", "6230", 17_000), m("Pivka", "6257", 6_300)],
            ),
            (
                "Enota Ilirska Bistrica",
                [
                    m("Ilirska Bistrica", "6250", 13_300),
                    m("Loška dolina", "1386", 3_700),
                ],
            ),
        ],
    ),
];

async fn centre(
    tx: &mut Tx,
    code: &str,
    name: &str,
    jurisdiction: &str,
    currency: &str,
    address: &str,
) -> Result<i64, sqlx::Error> {
    sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO centre (code, name, jurisdiction, currency, time_zone, address) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(code).bind(name).bind(jurisdiction).bind(currency)
        .bind(skrb_kit::clock::Zone::of_jurisdiction(jurisdiction).name()).bind(address).fetch_one(c).await)
}

async fn unit(tx: &mut Tx, centre: i64, name: &str) -> Result<i64, sqlx::Error> {
    sql!(tx, c => sqlx::query_scalar("INSERT INTO unit (centre_id, name) VALUES ($1, $2) RETURNING id")
        .bind(centre).bind(name).fetch_one(c).await)
}

#[allow(clippy::too_many_arguments)]
async fn municipality(
    tx: &mut Tx,
    centre_id: i64,
    unit_id: i64,
    code: &str,
    name: &str,
    postal: &str,
    people: u32,
    serbian: bool,
) -> Result<Place, sqlx::Error> {
    let id: i64 = sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO municipality (centre_id, unit_id, code, name) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(centre_id).bind(unit_id).bind(code).bind(name).fetch_one(c).await?);
    // The statistics office's count the annual report quotes (Trebinje's from the 2013
    // census; the demo spreads fewer households there than it has inhabitants).
    let (on, inhabitants, source) = if serbian {
        (
            time::macros::date!(2013 - 10 - 01),
            31_433,
            "РЗС, попис 2013",
        )
    } else {
        (
            time::macros::date!(2014 - 01 - 01),
            people,
            "SURS, 1. 1. 2014",
        )
    };
    sql!(tx, c => sqlx::query(
        "INSERT INTO population (municipality_id, on_date, inhabitants, source) VALUES ($1, $2, $3, $4)")
        .bind(id).bind(on).bind(i64::from(inhabitants)).bind(source).execute(c).await.map(|_| ())?);
    Ok(Place {
        centre_id,
        municipality_id: id,
        postal_code: postal.to_string(),
        place: name.to_string(),
        serbian,
        weight: people,
    })
}

/// Creates the centres, units and municipalities of a scale.
pub async fn build(tx: &mut Tx, scale: Scale) -> Result<Vec<Place>, sqlx::Error> {
    let mut out = Vec::new();
    match scale {
        Scale::Small | Scale::Centre => {
            let si = centre(
                tx,
                "csd-velenje",
                "Center za socialno delo Savinjsko-šaleška, enota Velenje",
                "SI",
                "EUR",
                "Prešernova cesta 8, 3320 Velenje",
            )
            .await?;
            let u = unit(tx, si, "Enota Velenje").await?;
            for (code, name, postal, people) in [
                ("133", "Velenje", "3320", 33_000),
                ("126", "Šoštanj", "3325", 8_700),
                ("114", "Šmartno ob Paki", "3327", 3_300),
            ] {
                out.push(municipality(tx, si, u, code, name, postal, people, false).await?);
            }
            if scale == Scale::Small {
                // Trebinje gets a quarter of the small demo's households.
                let rs = centre(
                    tx,
                    "csr-trebinje",
                    "ЈУ Центар за социјални рад Требиње",
                    "RS",
                    "BAM",
                    "Вожда Карађорђа 3, 89101 Требиње",
                )
                .await?;
                let u = unit(tx, rs, "Требиње").await?;
                out.push(municipality(tx, rs, u, "20486", "Требиње", "89101", 15_000, true).await?);
            }
        }
        Scale::Country => {
            let mut n = 0;
            for (code, name, units) in COUNTRY {
                // Each centre's seat: the first municipality of its first unit.
                let seat = &units[0].1[0];
                let address = format!("Trg svobode 1, {} {}", seat.postal, seat.name);
                let c = centre(tx, code, name, "SI", "EUR", &address).await?;
                for (unit_name, munis) in units {
                    let u = unit(tx, c, unit_name).await?;
                    for mu in munis {
                        n += 1;
                        let code = format!("{n:03}");
                        out.push(
                            municipality(tx, c, u, &code, mu.name, mu.postal, mu.people, false)
                                .await?,
                        );
                    }
                }
            }
        }
    }
    Ok(out)
}
