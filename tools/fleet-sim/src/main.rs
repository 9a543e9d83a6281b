//! fleet-sim: reconnect storms of a fleet, simulated with rust-component's
//! own backoff, and the figures of measured storms.
//!
//!   fleet-sim simulate --devices N [model options] [--json FILE]
//!   fleet-sim figures --events FILE --devices N --restart-ms T [--json FILE]
//!   fleet-sim compare --events FILE --restart-ms T [--runs K] [model options]
//!   fleet-sim sweep --devices N --caps-ms A,B,.. [--attempts-list 5,0] [model options]
//!   fleet-sim table --devices N,N,.. [model options]   (full jitter and none, one row each)
//!
//! Model options (defaults: the reference demo's backoff with the 1 s floor
//! and full jitter, AWS IoT Core's 500 connects per second):
//!   --outage-ms 10000 --rate 500 --burst 0 (= rate) --refusal tls|mqtt
//!   --base-ms 500 --cap-ms 5000 --attempts 5 (0 = forever) --floor-ms 1000
//!   --no-jitter --pause-ms 5000 --detect-ms 500 --connect-ms 0 --serve-ms 0
//!   --give-up-ms 0 (with --serve-ms: a queued device hangs up after this)
//!   --time-scale 1 (real ms per device ms) --seed 1
//!   --limit-s 86400

use std::process::ExitCode;

use fleet_sim::figures::{read_events, Figures};
use fleet_sim::sim::{run, Outcome, Params, Refusal};

fn usage() -> String {
    let doc = include_str!("main.rs");
    doc.lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").strip_prefix(' ').unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

struct Args {
    words: Vec<String>,
}

impl Args {
    fn take(&mut self, name: &str) -> Option<String> {
        let i = self.words.iter().position(|w| w == name)?;
        if i + 1 >= self.words.len() {
            return Some(String::new());
        }
        self.words.remove(i);
        Some(self.words.remove(i))
    }

    fn flag(&mut self, name: &str) -> bool {
        match self.words.iter().position(|w| w == name) {
            Some(i) => {
                self.words.remove(i);
                true
            }
            None => false,
        }
    }

    fn num<T: std::str::FromStr>(&mut self, name: &str, default: T) -> Result<T, String> {
        match self.take(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| format!("{name}: not a valid number: {v:?}")),
        }
    }

    fn done(&self) -> Result<(), String> {
        match self.words.first() {
            None => Ok(()),
            Some(w) => Err(format!("unknown argument {w:?}")),
        }
    }
}

fn model(a: &mut Args, devices: usize) -> Result<Params, String> {
    let mut p = Params::new(devices);
    p.outage_ms = a.num("--outage-ms", p.outage_ms)?;
    p.rate = a.num("--rate", p.rate)?;
    p.burst = a.num("--burst", p.burst)?;
    p.refusal = match a.take("--refusal").as_deref() {
        None | Some("tls") => Refusal::Tls,
        Some("mqtt") => Refusal::Mqtt,
        Some(o) => return Err(format!("--refusal: tls or mqtt, not {o:?}")),
    };
    p.base_ms = a.num("--base-ms", p.base_ms)?;
    p.cap_ms = a.num("--cap-ms", p.cap_ms)?;
    p.retries = a.num("--attempts", p.retries)?;
    p.floor_ms = a.num("--floor-ms", p.floor_ms)?;
    p.jitter = !a.flag("--no-jitter");
    p.pause_ms = a.num("--pause-ms", p.pause_ms)?;
    p.detect_ms = a.num("--detect-ms", p.detect_ms)?;
    p.connect_ms = a.num("--connect-ms", p.connect_ms)?;
    p.serve_ms = a.num("--serve-ms", p.serve_ms)?;
    p.give_up_ms = a.num("--give-up-ms", p.give_up_ms)?;
    p.time_scale = a.num("--time-scale", p.time_scale)?;
    if p.time_scale.is_nan() || p.time_scale <= 0.0 {
        return Err("--time-scale must be above 0".into());
    }
    p.seed = a.num("--seed", p.seed)?;
    p.limit_ms = a.num("--limit-s", p.limit_ms / 1000)? * 1000;
    if p.rate < 0.0 || p.burst < 0.0 {
        return Err("--rate and --burst must not be negative".into());
    }
    Ok(p)
}

fn describe(p: &Params) -> String {
    let rate = if p.rate > 0.0 {
        format!(
            "{} connects/s (burst {})",
            p.rate,
            if p.burst > 0.0 { p.burst } else { p.rate }
        )
    } else {
        "no rate limit".into()
    };
    format!(
        "{} devices, outage {:.1} s, broker {rate}, refusal at {:?}; backoff base {} ms, cap {} ms, \
         {} retries per iteration, floor {} ms, {}; pause between iterations {} ms, detection \
         within {} ms, connect {} ms, served one at a time in {} ms (device gives up after {} ms), \
         device clock x{:.3}",
        p.devices,
        p.outage_ms as f64 / 1000.0,
        p.refusal,
        p.base_ms,
        p.cap_ms,
        if p.retries == 0 { "unlimited".to_string() } else { p.retries.to_string() },
        p.floor_ms,
        if p.jitter { "full jitter" } else { "no jitter" },
        p.pause_ms,
        p.detect_ms,
        p.connect_ms,
        p.serve_ms,
        p.give_up_ms,
        p.time_scale
    )
}

fn print_figures(f: &Figures) {
    for (name, v) in f.rows() {
        let v = v.map_or("never".to_string(), |v| format!("{v:.2}"));
        println!("  {name:<48} {v}");
    }
    println!("  {:<48} {}", "attempts in all", f.attempts);
    if f.not_reconnected > 0 {
        println!("  {:<48} {}", "devices NOT reconnected", f.not_reconnected);
    }
}

fn write_json(path: Option<String>, json: &str) -> Result<(), String> {
    if let Some(path) = path {
        std::fs::write(&path, json).map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(())
}

fn simulate(mut a: Args) -> Result<(), String> {
    let devices = a.num("--devices", 0usize)?;
    if devices == 0 {
        return Err("--devices N is required (N > 0)".into());
    }
    let json = a.take("--json");
    let p = model(&mut a, devices)?;
    a.done()?;
    let t0 = std::time::Instant::now();
    let o = run(&p);
    println!("simulated: {}", describe(&p));
    print_figures(&o.figures);
    println!(
        "  {:<48} {}",
        "refused for the rate limit", o.refused_for_rate
    );
    println!(
        "  {:<48} {}",
        "CONNECTs of one client id < 1 s apart", o.client_id_violations
    );
    println!(
        "  ({:.1} s of virtual time in {:.1} s)",
        o.end_ms as f64 / 1000.0,
        t0.elapsed().as_secs_f64()
    );
    write_json(json, &outcome_json(&p, &o))
}

fn outcome_json(p: &Params, o: &Outcome) -> String {
    let f = o.figures.to_json();
    format!(
        "{{\"model\": \"{}\", \"refused_for_rate\": {}, \"client_id_violations\": {}, \"end_ms\": {}, \"figures\": {f}}}\n",
        describe(p).replace('"', "'"),
        o.refused_for_rate,
        o.client_id_violations,
        o.end_ms
    )
}

fn measured(a: &mut Args) -> Result<(Figures, usize, f64), String> {
    let path = a.take("--events").ok_or("--events FILE is required")?;
    let restart_ms: f64 = a.num("--restart-ms", f64::NAN)?;
    if restart_ms.is_nan() {
        return Err("--restart-ms T is required".into());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    // The device count: given, or every device named in the file.
    let devices = match a.num("--devices", 0usize)? {
        0 => text
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(1)?.trim().parse::<usize>().ok())
            .max()
            .map_or(0, |d| d + 1),
        n => n,
    };
    let rec = read_events(&text, devices, restart_ms).map_err(|e| format!("{path}: {e}"))?;
    Ok((rec.finish(), devices, restart_ms))
}

fn figures(mut a: Args) -> Result<(), String> {
    let json = a.take("--json");
    let (f, _, _) = measured(&mut a)?;
    a.done()?;
    print_figures(&f);
    write_json(json, &format!("{}\n", f.to_json()))
}

/// The measured figures next to the simulated ones (median and the 5-95 %
/// band over `runs` seeds): "within" when the measured value lies in the
/// band widened by half a bin or 100 ms for the time figures.
fn compare(mut a: Args) -> Result<(), String> {
    let runs: u64 = a.num("--runs", 100)?;
    let json = a.take("--json");
    let (f, devices, restart_ms) = measured(&mut a)?;
    let mut p = model(&mut a, devices)?;
    a.done()?;
    p.outage_ms = restart_ms.round() as u64;
    let sims: Vec<Figures> = (0..runs.max(1))
        .map(|k| {
            let mut q = p.clone();
            q.seed = p.seed.wrapping_add(k);
            run(&q).figures
        })
        .collect();
    println!("measured vs simulated ({runs} seeds): {}", describe(&p));
    println!(
        "  {:<48} {:>9}  {:>9}  {:>19}  verdict",
        "figure", "measured", "sim med", "sim 5-95 %"
    );
    let mut outside = 0;
    let mut rows_json = Vec::new();
    for (i, (name, m)) in f.rows().into_iter().enumerate() {
        let mut vals: Vec<f64> = sims.iter().filter_map(|s| s.rows()[i].1).collect();
        vals.sort_by(f64::total_cmp);
        let q = |x: f64| {
            vals.get(((vals.len() as f64 - 1.0) * x).round() as usize)
                .copied()
        };
        let (lo, med, hi) = (q(0.05), q(0.5), q(0.95));
        // Tolerance for measurement resolution: the time figures are read
        // from log lines (a few ms to a 100 ms bin), counts are exact.
        let slack = if name.contains(", s") { 0.1 } else { 0.5 };
        let verdict = match (m, lo, hi) {
            (Some(m), Some(lo), Some(hi)) if m >= lo - slack && m <= hi + slack => "within",
            (None, None, None) => "within",
            _ => {
                outside += 1;
                "OUTSIDE"
            }
        };
        let show = |v: Option<f64>| v.map_or("never".to_string(), |v| format!("{v:.2}"));
        println!(
            "  {name:<48} {:>9}  {:>9}  {:>19}  {verdict}",
            show(m),
            show(med),
            format!("{} - {}", show(lo), show(hi))
        );
        rows_json.push(format!(
            "{{\"figure\": \"{name}\", \"measured\": {}, \"sim_median\": {}, \"sim_p5\": {}, \"sim_p95\": {}, \"verdict\": \"{verdict}\"}}",
            m.map_or("null".into(), |v| format!("{v:.3}")),
            med.map_or("null".into(), |v| format!("{v:.3}")),
            lo.map_or("null".into(), |v| format!("{v:.3}")),
            hi.map_or("null".into(), |v| format!("{v:.3}")),
        ));
    }
    println!(
        "  {outside} of {} figures outside the simulated band",
        f.rows().len()
    );
    write_json(
        json,
        &format!(
            "{{\"model\": \"{}\", \"runs\": {runs}, \"outside\": {outside}, \"rows\": [{}]}}\n",
            describe(&p).replace('"', "'"),
            rows_json.join(", ")
        ),
    )
}

fn list<T: std::str::FromStr>(a: &mut Args, name: &str, default: &str) -> Result<Vec<T>, String> {
    let text = a.take(name).unwrap_or_else(|| default.to_string());
    text.split(',')
        .map(|v| {
            v.trim()
                .parse()
                .map_err(|_| format!("{name}: not a list of numbers: {text:?}"))
        })
        .collect()
}

const ROW_HEAD: &str = "| peak /100 ms after restart | 50 % back | 95 % back | 100 % back | \
                        100 % / (N/R) | attempts per device (mean / max) | refused for the rate | \
                        shortest gap |";

fn row(p: &Params, o: &Outcome) -> String {
    let f = &o.figures;
    let s = |t: Option<f64>| t.map_or("never".to_string(), |t| format!("{:.1} s", t / 1000.0));
    let ideal = if p.rate > 0.0 {
        f.reconnected_ms[2].map_or("-".into(), |t| {
            format!("{:.2}", t / 1000.0 / (p.devices as f64 / p.rate))
        })
    } else {
        "-".into()
    };
    format!(
        "| {} | {} | {} | {} | {ideal} | {:.1} / {} | {} | {} |",
        f.peak_per_bin_after_restart,
        s(f.reconnected_ms[0]),
        s(f.reconnected_ms[1]),
        s(f.reconnected_ms[2]),
        f.attempts_per_device_mean,
        f.attempts_per_device_max,
        o.refused_for_rate,
        s(f.min_gap_ms)
    )
}

/// One row per (cap, retries per iteration): the trade between time to
/// reconnect everyone and the attempts the broker has to refuse.
fn sweep(mut a: Args) -> Result<(), String> {
    let devices = a.num("--devices", 0usize)?;
    if devices == 0 {
        return Err("--devices N is required (N > 0)".into());
    }
    let caps: Vec<u32> = list(&mut a, "--caps-ms", "5000")?;
    let attempts: Vec<u32> = list(&mut a, "--attempts-list", "5,0")?;
    let base = model(&mut a, devices)?;
    a.done()?;
    println!("sweep: {}", describe(&base));
    println!("| cap | retries per iteration {}", ROW_HEAD);
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &cap in &caps {
        for &n in &attempts {
            let mut p = base.clone();
            p.cap_ms = cap;
            p.retries = n;
            let o = run(&p);
            let n = if n == 0 {
                "forever".to_string()
            } else {
                n.to_string()
            };
            println!("| {:.1} s | {n} {}", f64::from(cap) / 1000.0, row(&p, &o));
        }
    }
    Ok(())
}

/// One row per fleet size and jitter mode, same model otherwise.
fn table(mut a: Args) -> Result<(), String> {
    let sizes: Vec<usize> = list(&mut a, "--devices", "10000,100000,1000000")?;
    let base = model(&mut a, 1)?;
    a.done()?;
    println!("table: {}", describe(&base).replacen("1 devices, ", "", 1));
    println!("| devices | jitter {}", ROW_HEAD);
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &n in &sizes {
        for jitter in [true, false] {
            let mut p = base.clone();
            p.devices = n;
            p.jitter = jitter;
            let o = run(&p);
            let j = if jitter { "full" } else { "none" };
            println!("| {n} | {j} {}", row(&p, &o));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut words: Vec<String> = std::env::args().skip(1).collect();
    if words.is_empty() || words.iter().any(|w| w == "-h" || w == "--help") {
        println!("{}", usage());
        return if words.is_empty() {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }
    let cmd = words.remove(0);
    let a = Args { words };
    let r = match cmd.as_str() {
        "simulate" => simulate(a),
        "figures" => figures(a),
        "compare" => compare(a),
        "sweep" => sweep(a),
        "table" => table(a),
        other => Err(format!("unknown command {other:?}\n\n{}", usage())),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fleet-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
