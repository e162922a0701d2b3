//! The official region lists come from the npm package `idn-area-data`; say clearly how to get
//! them instead of failing on a missing file deep inside `include_str!`.

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/idn-area-data/data");
    for file in ["regencies.csv", "districts.csv", "villages.csv"] {
        let path = dir.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        if !path.exists() {
            panic!(
                "{} is missing: run `npm ci` in the repository root (`make run` and `make test` do it)",
                path.display()
            );
        }
    }
}
