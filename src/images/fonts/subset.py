# Subset Inter for folio's social cards and flatten its GPOS pair kerning into a legacy `kern`
# table (ab_glyph reads only `kern`). See README.md here. fontTools 4.x:
#   python3 subset.py InterDisplay-Bold.otf InterDisplay-Bold.otf   (source from Debian's fonts-inter)
import sys
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._k_e_r_n import KernTable_format_0
from fontTools import subset

src, out = sys.argv[1], sys.argv[2]
ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x100, 0x17F), (0x180, 0x24F), (0x370, 0x3FF),
          (0x400, 0x4FF), (0x2000, 0x206F)]
extra = [0x20AC, 0x2122]  # euro sign, trade mark sign
unicodes = [c for a, b in ranges for c in range(a, b + 1)] + extra
opts = subset.Options()
opts.layout_features = ["kern"]
opts.name_IDs = ["*"]
opts.notdef_outline = True
opts.glyph_names = False
opts.hinting = False
opts.desubroutinize = False
font = TTFont(src, recalcTimestamp=False)
s = subset.Subsetter(opts)
s.populate(unicodes=unicodes)
s.subset(font)

# Kerning pairs among the characters most titles use: ASCII, Latin-1, Latin Extended-A letters
# and general punctuation (quotes, dashes, ellipsis) -- a legacy kern subtable holds ~10,900 pairs.
cmap = font.getBestCmap()
kern_chars = [c for c in list(range(0x20, 0x7F)) + list(range(0xC0, 0x180)) + [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026] if c in cmap]
kern_glyphs = sorted({cmap[c] for c in kern_chars})
wanted = set(kern_glyphs)
pairs = {}
gpos = font["GPOS"].table
kern_lookups = set()
for fr in gpos.FeatureList.FeatureRecord:
    if fr.FeatureTag == "kern":
        kern_lookups.update(fr.Feature.LookupListIndex)
for li in sorted(kern_lookups):
    lk = gpos.LookupList.Lookup[li]
    subs = lk.SubTable
    if lk.LookupType == 9:
        subs = [st.ExtSubTable for st in subs]
    for st in subs:
        if st.LookupType != 2:
            continue
        cov = st.Coverage.glyphs
        if st.Format == 1:
            for g1, ps in zip(cov, st.PairSet):
                if g1 not in wanted:
                    continue
                for pvr in ps.PairValueRecord:
                    v = getattr(pvr.Value1, "XAdvance", 0) if pvr.Value1 else 0
                    if pvr.SecondGlyph in wanted and v and (g1, pvr.SecondGlyph) not in pairs:
                        pairs[(g1, pvr.SecondGlyph)] = v
        else:
            c1 = st.ClassDef1.classDefs
            c2 = st.ClassDef2.classDefs
            covset = set(cov)
            for g1 in kern_glyphs:
                if g1 not in covset:
                    continue
                row = st.Class1Record[c1.get(g1, 0)]
                for g2 in kern_glyphs:
                    rec = row.Class2Record[c2.get(g2, 0)]
                    v = getattr(rec.Value1, "XAdvance", 0) if rec.Value1 else 0
                    if v and (g1, g2) not in pairs:
                        pairs[(g1, g2)] = v
print(len(pairs), "kerning pairs", file=sys.stderr)
kern = newTable("kern")
kern.version = 0
t = KernTable_format_0()
t.version = 0
t.coverage = 1
t.format = 0
t.kernTable = pairs
kern.kernTables = [t]
font["kern"] = kern
for tag in ("GPOS", "GSUB", "GDEF"):
    if tag in font:
        del font[tag]
font.save(out)
