//! The figures of one reconnect storm, from its events: every connection
//! attempt and every device's reconnection, in milliseconds from the moment
//! the broker went away (t = 0). One implementation for the measured runs
//! (tools/fleet feeds its events through `fleet-sim figures`) and for the
//! simulation, so the two are compared on the same definitions.

/// Width of one histogram bin.
pub const BIN_MS: f64 = 100.0;

/// Collects events one at a time (the simulation of a million devices does
/// not keep them).
#[derive(Clone, Debug)]
pub struct Recorder {
    restart_ms: f64,
    attempts: u64,
    bins: Vec<u32>,
    per_device: Vec<u32>,
    last_attempt: Vec<f64>,
    min_gap_ms: f64,
    reconnected: Vec<f64>,
}

/// What [`Recorder::finish`] reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    pub devices: usize,
    /// When the broker accepted connections again, ms after it went away.
    pub restart_ms: f64,
    /// Attempts from t = 0 until each device's reconnection (inclusive).
    pub attempts: u64,
    /// Attempts per 100 ms bin: the largest bin, and the average over the
    /// bins from t = 0 to the last reconnection.
    pub peak_per_bin: u32,
    pub mean_per_bin: f64,
    /// The largest bin from the restart on: the storm the broker sees.
    pub peak_per_bin_after_restart: u32,
    /// Time from the restart until 50 %, 95 % and 100 % of the devices had
    /// reconnected (`None`: that share never did).
    pub reconnected_ms: [Option<f64>; 3],
    pub attempts_per_device_mean: f64,
    pub attempts_per_device_max: u32,
    /// The shortest time between two attempts of one device (`None` when
    /// no device made two).
    pub min_gap_ms: Option<f64>,
    pub not_reconnected: usize,
    /// Attempts per bin from t = 0 to the last reconnection.
    pub bins: Vec<u32>,
}

/// The shares of the fleet [`Figures::reconnected_ms`] reports.
pub const SHARES: [f64; 3] = [0.50, 0.95, 1.00];

impl Recorder {
    pub fn new(devices: usize, restart_ms: f64) -> Self {
        Recorder {
            restart_ms,
            attempts: 0,
            bins: Vec::new(),
            per_device: vec![0; devices],
            last_attempt: vec![f64::NAN; devices],
            min_gap_ms: f64::INFINITY,
            reconnected: vec![f64::NAN; devices],
        }
    }

    /// A connection attempt by `device` at `t_ms`. Ignored before t = 0 and
    /// after the device reconnected (steady state, not the storm).
    pub fn attempt(&mut self, device: usize, t_ms: f64) {
        if t_ms < 0.0 || !self.reconnected[device].is_nan() {
            return;
        }
        self.attempts += 1;
        self.per_device[device] += 1;
        let last = self.last_attempt[device];
        if !last.is_nan() {
            self.min_gap_ms = self.min_gap_ms.min(t_ms - last);
        }
        self.last_attempt[device] = t_ms;
        let bin = (t_ms / BIN_MS) as usize;
        if self.bins.len() <= bin {
            self.bins.resize(bin + 1, 0);
        }
        self.bins[bin] += 1;
    }

    /// `device` is connected again (its CONNACK) at `t_ms`; only the first
    /// time after t = 0 counts.
    pub fn connected(&mut self, device: usize, t_ms: f64) {
        if t_ms >= 0.0 && self.reconnected[device].is_nan() {
            self.reconnected[device] = t_ms;
        }
    }

    pub fn devices(&self) -> usize {
        self.per_device.len()
    }

    pub fn finish(self) -> Figures {
        let devices = self.per_device.len();
        let mut times: Vec<f64> = self
            .reconnected
            .iter()
            .copied()
            .filter(|t| !t.is_nan())
            .collect();
        times.sort_by(f64::total_cmp);
        let not_reconnected = devices - times.len();
        let reconnected_ms = SHARES.map(|share| {
            let k = ((share * devices as f64).ceil() as usize).max(1);
            times.get(k - 1).map(|t| t - self.restart_ms)
        });
        let end_ms = times.last().copied().unwrap_or(0.0);
        let mut bins = self.bins;
        let used = ((end_ms / BIN_MS) as usize + 1).max(1);
        bins.resize(used, 0);
        let restart_bin = (self.restart_ms.max(0.0) / BIN_MS) as usize;
        Figures {
            devices,
            restart_ms: self.restart_ms,
            attempts: self.attempts,
            peak_per_bin: bins.iter().copied().max().unwrap_or(0),
            mean_per_bin: self.attempts as f64 / bins.len() as f64,
            peak_per_bin_after_restart: bins.iter().skip(restart_bin).copied().max().unwrap_or(0),
            reconnected_ms,
            attempts_per_device_mean: self.attempts as f64 / devices.max(1) as f64,
            attempts_per_device_max: self.per_device.iter().copied().max().unwrap_or(0),
            min_gap_ms: self.min_gap_ms.is_finite().then_some(self.min_gap_ms),
            not_reconnected,
            bins,
        }
    }
}

impl Figures {
    /// The figures as `name value` rows, for tables and comparisons.
    pub fn rows(&self) -> Vec<(&'static str, Option<f64>)> {
        vec![
            (
                "attempts per 100 ms, peak",
                Some(f64::from(self.peak_per_bin)),
            ),
            ("attempts per 100 ms, mean", Some(self.mean_per_bin)),
            (
                "attempts per 100 ms, peak after restart",
                Some(f64::from(self.peak_per_bin_after_restart)),
            ),
            (
                "50 % reconnected, s after restart",
                self.reconnected_ms[0].map(|t| t / 1000.0),
            ),
            (
                "95 % reconnected, s after restart",
                self.reconnected_ms[1].map(|t| t / 1000.0),
            ),
            (
                "100 % reconnected, s after restart",
                self.reconnected_ms[2].map(|t| t / 1000.0),
            ),
            (
                "attempts per device, mean",
                Some(self.attempts_per_device_mean),
            ),
            (
                "attempts per device, max",
                Some(f64::from(self.attempts_per_device_max)),
            ),
            (
                "shortest gap between one device's attempts, s",
                self.min_gap_ms.map(|t| t / 1000.0),
            ),
        ]
    }

    /// A JSON object (no dependency for this: numbers and one array).
    pub fn to_json(&self) -> String {
        let opt = |v: Option<f64>| v.map_or("null".to_string(), |v| format!("{v:.3}"));
        let bins: Vec<String> = self.bins.iter().map(u32::to_string).collect();
        format!(
            concat!(
                "{{\"devices\": {}, \"restart_ms\": {:.3}, \"attempts\": {}, ",
                "\"peak_per_100ms\": {}, \"mean_per_100ms\": {:.3}, ",
                "\"peak_per_100ms_after_restart\": {}, \"reconnected_50_ms\": {}, ",
                "\"reconnected_95_ms\": {}, \"reconnected_100_ms\": {}, ",
                "\"attempts_per_device_mean\": {:.3}, \"attempts_per_device_max\": {}, ",
                "\"min_gap_ms\": {}, \"not_reconnected\": {}, \"bin_ms\": {}, \"bins\": [{}]}}"
            ),
            self.devices,
            self.restart_ms,
            self.attempts,
            self.peak_per_bin,
            self.mean_per_bin,
            self.peak_per_bin_after_restart,
            opt(self.reconnected_ms[0]),
            opt(self.reconnected_ms[1]),
            opt(self.reconnected_ms[2]),
            self.attempts_per_device_mean,
            self.attempts_per_device_max,
            opt(self.min_gap_ms),
            self.not_reconnected,
            BIN_MS,
            bins.join(", ")
        )
    }
}

/// Read tools/fleet's event file: a `t_ms,device,event` header, then one
/// line per event (`attempt` or `connected`), t in ms from the broker's stop.
pub fn read_events(text: &str, devices: usize, restart_ms: f64) -> Result<Recorder, String> {
    let mut lines = text.lines();
    match lines.next() {
        Some(h) if h.trim() == "t_ms,device,event" => {}
        other => {
            return Err(format!(
                "expected the header t_ms,device,event, got {other:?}"
            ))
        }
    }
    let mut rec = Recorder::new(devices, restart_ms);
    for (n, line) in lines.enumerate() {
        let bad = || format!("line {}: cannot read {line:?}", n + 2);
        let mut f = line.split(',');
        let (Some(t), Some(d), Some(e), None) = (f.next(), f.next(), f.next(), f.next()) else {
            return Err(bad());
        };
        let t: f64 = t.trim().parse().map_err(|_| bad())?;
        let d: usize = d.trim().parse().map_err(|_| bad())?;
        if d >= devices {
            return Err(format!("line {}: device {d} of {devices}", n + 2));
        }
        match e.trim() {
            "attempt" => rec.attempt(d, t),
            "connected" => rec.connected(d, t),
            _ => return Err(bad()),
        }
    }
    Ok(rec)
}
