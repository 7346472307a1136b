"""Writes the standard library parts the GPU check needs into a zip of .pyc files, and copies
the extension modules they load. Run by the bundled libpython's own interpreter (python3.11):

    python3.11 -s -S stdlib_zip.py SITE_PACKAGES ZIP DYNLOAD_DIR

The modules are what the engine imports (the bridge, sr_vulkan and its package) and what the
check's own script imports, found by importing them here; a package goes in whole.
"""
import importlib
import importlib._bootstrap_external as external
import os
import shutil
import sys
import sysconfig
import zipfile

# What the bridge imports (python-bridge/src: interpreter.rs, lib.rs, custom.rs), then the check.
ENGINE = ["site", "importlib.util", "importlib.machinery", "os", "sys", "traceback", "tokenize", "linecache"]
CHECK = ["argparse", "json", "os", "signal", "subprocess", "threading", "time", "zlib", "struct", "shutil", "tempfile", "resource"]
WHOLE = {"encodings"}  # codecs are looked up by name at run time


def main():
    site_packages, zip_path, dynload_dir = sys.argv[1:4]
    sys.path.append(site_packages)
    for name in ENGINE + CHECK + ["sr_vulkan", "sr_vulkan.sr_vulkan"] + sorted(WHOLE):
        importlib.import_module(name)
    stdlib = sysconfig.get_paths()["stdlib"]
    dynload = os.path.join(stdlib, "lib-dynload")
    tops, extensions = set(WHOLE), set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None) or ""
        if path.startswith(dynload + os.sep):
            extensions.add(path)
        elif path.startswith(stdlib + os.sep):
            tops.add(module.__name__.split(".")[0])
    os.makedirs(dynload_dir, exist_ok=True)
    for path in sorted(extensions):
        shutil.copy2(path, dynload_dir)
    count = 0
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for top in sorted(tops):
            package = os.path.join(stdlib, top)
            files = [package + ".py"] if not os.path.isdir(package) else [
                os.path.join(folder, name)
                for folder, dirs, names in os.walk(package)
                if "__pycache__" not in folder and os.sep + "test" not in folder[len(stdlib):]
                for name in names
                if name.endswith(".py")
            ]
            for path in files:
                relative = os.path.relpath(path, stdlib)
                with open(path, "rb") as source_file:
                    source = source_file.read()
                code = compile(source, relative, "exec", dont_inherit=True)
                # An unchecked hash-based .pyc: used as it is, never compared with a source.
                data = external._code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)
                archive.writestr(relative[:-3] + ".pyc", bytes(data))
                count += 1
    print(f"stdlib: {count} modules from {len(tops)} top-level names zipped, {len(extensions)} extension modules")


if __name__ == "__main__":
    main()
