/* `python3.11` for the GPU check's bundle: the bundled libpython's own main, found through
 * RUNPATH $ORIGIN/../../lib, so the bundle runs its Python helpers without any system Python. */
#include <Python.h>

int main(int argc, char **argv) { return Py_BytesMain(argc, argv); }
