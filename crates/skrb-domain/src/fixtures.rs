//! Inputs of the worked examples, shared by the tests and the fuzz targets.

use crate::rights::params::Params;

/// The parameters as DOMAIN.md gives them for April 2026 (Slovenia) and 2025 (RS): the
/// worked examples' inputs. The server reads dated rows, never these.
pub fn params_april_2026() -> Params {
    let mut p = Params::default();
    for (k, v) in [
        ("si.ozmd", 50_743),
        ("si.exemption.margin", 12_000),
        ("si.dsp.w.first", 10_000),
        ("si.dsp.w.first_60", 12_600),
        ("si.dsp.w.first_128", 15_100),
        ("si.dsp.w.further", 5_700),
        ("si.dsp.w.further_60", 7_000),
        ("si.dsp.w.further_128", 8_300),
        ("si.dsp.w.child", 5_900),
        ("si.dsp.w.single_parent_child", 1_800),
        ("si.dsp.w.young_with_parents", 7_000),
        ("si.dsp.w.unable_non_family", 7_600),
        ("si.dsp_extra.per_year", 50_000),
        ("si.vd.threshold", 14_700),
        ("si.vd.max_alone", 4_700),
        ("si.vd.max_shared", 4_700),
        ("si.foster.maintenance", 63_800),
        ("si.foster.fee", 46_000),
        ("si.foster.raise_25", 2_500),
        ("si.foster.raise_50", 5_000),
        ("si.foster.cap", 164_700),
        ("si.foster.weekend", 7_500),
        ("rs.base", 158_000),
        ("rs.cash.1", 1_700),
        ("rs.cash.2", 2_200),
        ("rs.cash.3", 2_700),
        ("rs.cash.4", 3_000),
        ("rs.cash.5", 3_300),
        ("rs.dpnj.full", 2_200),
        ("rs.dpnj.partial", 1_100),
        ("rs.disability.100", 1_700),
        ("rs.disability.90", 1_400),
        ("rs.disability.80", 1_200),
        ("rs.disability.70", 1_000),
        ("rs.one_off.max", 10_000),
    ] {
        p.set(k, v);
    }
    p
}
