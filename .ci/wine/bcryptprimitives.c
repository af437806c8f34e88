/* Wine 8 has no bcryptprimitives.dll, whose ProcessPrng Rust's standard library (1.78+) uses for
 * randomness on Windows. This stand-in exports ProcessPrng and fills the buffer from
 * SystemFunction036 (RtlGenRandom, advapi32), which Wine has. Only for running the test suite
 * under Wine in CI; never shipped. Built by .ci/wine/runner with the mingw cross compiler. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
