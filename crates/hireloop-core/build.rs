//! Embeds every file under the workspace's `content/` folder, so the binary carries its defaults.

use std::path::{Path, PathBuf};
use std::{env, fs, io};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, root, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            let rel = path
                .strip_prefix(root)
                .map_err(io::Error::other)?
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, path));
        }
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?);
    let root = manifest.join("../../content").canonicalize()?;
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files)?;
    files.sort();
    let mut code = String::from(
        "/// Built-in content files: (path relative to `content/`, text).\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for (rel, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    // Directories: a new file in a folder changes the folder's mtime.
    for d in ["pipelines", "questions"] {
        println!("cargo:rerun-if-changed={}", root.join(d).display());
    }
    let out =
        PathBuf::from(env::var("OUT_DIR").map_err(io::Error::other)?).join("builtin_content.rs");
    fs::write(out, code)
}
