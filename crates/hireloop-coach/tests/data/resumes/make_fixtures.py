#!/usr/bin/env python3
"""Writes the resume fixtures of the screening tests into this folder.

Standard library only: the PDFs are written object by object (a minimal, valid structure with a
cross-reference table and the core Helvetica font), the password-protected one with the standard
security handler (RC4, 128-bit, revision 3) implemented here, and the DOCX files with zipfile.
The output is deterministic, so running the script again changes nothing.

Run from anywhere:  python3 crates/hireloop-coach/tests/data/resumes/make_fixtures.py
Then review the changes and refresh the expected screenings with
UPDATE_GOLDEN=1 cargo test -p hireloop-coach --test resumes
"""

import hashlib
import json
import os
import random
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------------------- PDF


def pdf_string(text):
    """A PDF literal string in WinAnsi (cp1252), with its delimiters escaped."""
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def page_content(lines):
    """A content stream that writes one line of 10-point Helvetica per entry, top down."""
    out = [b"BT", b"/F1 10 Tf", b"14 TL", b"50 790 Td"]
    for line in lines:
        out.append(pdf_string(line) + b" Tj T*")
    out.append(b"ET")
    return b"\n".join(out) + b"\n"


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


class Security:
    """The standard security handler, revision 3 with a 128-bit RC4 key (PDF 1.4)."""

    def __init__(self, user, owner, file_id):
        self.file_id = file_id
        self.p = -3904  # printing and copying allowed: the usual value
        owner_key = hashlib.md5((owner.encode() + PAD)[:32]).digest()
        for _ in range(50):
            owner_key = hashlib.md5(owner_key).digest()
        o = rc4(owner_key, (user.encode() + PAD)[:32])
        for i in range(1, 20):
            o = rc4(bytes(b ^ i for b in owner_key), o)
        self.o = o
        key = hashlib.md5(
            (user.encode() + PAD)[:32] + o + struct.pack("<i", self.p) + file_id
        ).digest()
        for _ in range(50):
            key = hashlib.md5(key).digest()
        self.key = key
        u = rc4(key, hashlib.md5(PAD + file_id).digest())
        for i in range(1, 20):
            u = rc4(bytes(b ^ i for b in key), u)
        self.u = u + bytes(16)

    def encrypt(self, num, data):
        k = hashlib.md5(self.key + struct.pack("<i", num)[:3] + b"\x00\x00").digest()
        return rc4(k, data)

    def dictionary(self):
        return (
            b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P %d /O <%s> /U <%s> >>"
            % (self.p, self.o.hex().encode(), self.u.hex().encode())
        )


def build_pdf(pages, compress=True, security=None, extra=None, media_box=True, parent=None):
    """A PDF with one page per list of lines. `extra` adds objects and page resources; without
    `media_box` the pages have no size, which the PDF reader does not expect; `parent` replaces
    each page's parent (the page tree node 2)."""
    objects = {}
    n_pages = len(pages)
    page_ids = [3 + 2 * i for i in range(n_pages)]
    font_id = 3 + 2 * n_pages
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages)
    objects[font_id] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    extra_resources = b""
    if extra:
        extra_resources = extra(objects, font_id + 1)
    for i, lines in enumerate(pages):
        pid, cid = page_ids[i], page_ids[i] + 1
        objects[pid] = (
            b"<< /Type /Page /Parent %s %s"
            b"/Resources << /Font << /F1 %d 0 R >> %s>> /Contents %d 0 R >>"
            % (
                parent or b"2 0 R",
                b"/MediaBox [0 0 595 842] " if media_box else b"",
                font_id,
                extra_resources,
                cid,
            )
        )
        content = page_content(lines)
        if extra:
            content += b"/X1 Do\n"
        if compress:
            data = zlib.compress(content, 9)
            head = b"/Filter /FlateDecode "
        else:
            data, head = content, b""
        if security:
            data = security.encrypt(cid, data)
        objects[cid] = (b"<< %s/Length %d >>\nstream\n" % (head, len(data))) + data + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    count = max(objects) + 1
    if security:
        objects[count] = security.dictionary()
        count += 1
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    for num in range(1, count):
        out += b"%010d 00000 n \n" % offsets[num]
    trailer = b"/Size %d /Root 1 0 R" % count
    if security:
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (
            count - 1,
            security.file_id.hex().encode(),
            security.file_id.hex().encode(),
        )
    out += b"trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


STRONG_PM = [
    [
        "Alex Chen",
        "Senior Product Manager - alex.chen@example.com - Hangzhou",
        "",
        "Work Experience",
        "Senior Product Manager, Taobao Checkout (Mar 2019 - Present)",
        "- Led the redesign of the checkout flow, lifting conversion from 3.1% to 3.8% in six months.",
        "- Owned the payments roadmap; launched instalment plans used by 12M buyers in the first year.",
        "- Drove a latency programme with engineering that cut page load time by 40%.",
        "Product Manager, Ele.me Merchant Tools (Jul 2016 - Feb 2019)",
        "- Launched the merchant analytics dashboard from 0 to 1; grew weekly active merchants 3x.",
        "- Wrote PRDs and ran A/B tests on onboarding; activation rose 18%.",
        "- Assisted the growth team with quarterly planning.",
    ],
    [
        "Education",
        "B.Sc. Computer Science, Zhejiang University (2012 - 2016)",
        "",
        "Languages",
        "Mandarin (native), English (fluent, IELTS 7.5)",
    ],
]


def self_drawing_form(objects, first):
    """A form XObject that draws itself: a reader without a guard recurses until the stack ends."""
    content = b"/X1 Do\n"
    objects[first] = (
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length %d >>\nstream\n" % len(content)
        + content
        + b"\nendstream"
    )
    return b"/XObject << /X1 %d 0 R >> " % first


def make_pdfs():
    strong = build_pdf(STRONG_PM)
    write("strong-pm.pdf", strong)
    # Cut in the middle of the first page's stream: no cross-reference table, no end.
    write("corrupt.pdf", strong[: len(strong) // 3])
    security = Security("secret", "owner-secret", hashlib.md5(b"hireloop fixture").digest())
    write("encrypted.pdf", build_pdf(STRONG_PM, security=security))
    # Encrypted with an owner password only: it opens without a password, so it is screened.
    opens = Security("", "owner-secret", hashlib.md5(b"hireloop owner only").digest())
    write("owner-password.pdf", build_pdf(STRONG_PM, security=opens))
    write("self-drawing-form.pdf", build_pdf([["A form that draws itself."]], extra=self_drawing_form))
    write("no-media-box.pdf", build_pdf([["Alex Chen", "Product Manager"]], media_box=False))
    # A page that is its own parent, with no size: a reader looking up the inherited size loops.
    write(
        "parent-loop.pdf",
        build_pdf([["Alex Chen", "Product Manager"]], media_box=False, parent=b"3 0 R"),
    )
    # A page with no text, as a scan without text recognition.
    write("scanned.pdf", build_pdf([[]]))


# --------------------------------------------------------------------------------------- DOCX

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def paragraph(text, bold=False, heading=False):
    """A paragraph; a tab in the text becomes a w:tab between runs."""
    props = "<w:pPr><w:pStyle w:val=\"Heading1\"/><w:tabs><w:tab w:val=\"right\" w:pos=\"9000\"/></w:tabs></w:pPr>" if heading else ""
    run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    runs = []
    for i, part in enumerate(text.split("\t")):
        if i:
            runs.append("<w:r><w:tab/></w:r>")
        runs.append(f'<w:r>{run_props}<w:t xml:space="preserve">{xml_escape(part)}</w:t></w:r>')
    return f"<w:p>{props}{''.join(runs)}</w:p>"


def table(rows):
    cells = lambda row: "".join(f"<w:tc>{paragraph(c)}</w:tc>" for c in row)
    return "<w:tbl>" + "".join(f"<w:tr>{cells(r)}</w:tr>" for r in rows) + "</w:tbl>"


def document(body):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    )


def docx(name, document_xml):
    path = os.path.join(HERE, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for arc, data in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("word/document.xml", document_xml),
        ]:
            info = zipfile.ZipInfo(arc, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def make_docx():
    body = "".join(
        [
            paragraph("Maria Rossi", bold=True),
            paragraph("Growth Product Manager · Singapore"),
            paragraph("Experience", heading=True),
            paragraph("Lead Product Manager, Lazada Growth\tJan 2020 – Present", bold=True),
            paragraph("I owned the new-buyer funnel and grew GMV from $20M to $65M a year in two years."),
            paragraph("Launched a referral programme that reached 5M users; DAU doubled within a year."),
            paragraph("Set the quarterly roadmap with engineering & marketing; ran 40 A/B tests."),
            paragraph("Product Manager, Shopee Payments\tJun 2017 – Dec 2019", bold=True),
            paragraph("Drove wallet top-up adoption up 25% by cutting the flow from five steps to two."),
            paragraph("Education", heading=True),
            paragraph("MBA, National University of Singapore\t2015 – 2017"),
            paragraph("Skills and languages", heading=True),
            table([["Languages", "English (native), Italian (native), Mandarin (intermediate)"],
                   ["Tools", "SQL, Amplitude, Figma"]]),
        ]
    )
    docx("growth-pm.docx", document(body))
    # A bomb: 40 MiB of blanks inside one paragraph compress to some 40 KiB.
    filler = " " * (40 * 1024 * 1024)
    docx("bomb.docx", document(paragraph("Jane Roe" + filler)))


# ------------------------------------------------------------------------- text, JSON, other

CHINESE = """# 王磊 · 高级产品经理

## 工作经历

**阿里巴巴 · 淘宝直播 · 高级产品经理**　2018.07 – 至今
- 主导直播带货商家工具从0到1的搭建，服务商家超过5万家，带动GMV提升120%。
- 负责直播间互动玩法的产品规划与需求文档，日活从300万增长到900万。
- 推动峰值QPS 50万的秒杀链路改造，下单成功率从92%提升到99.5%。

**美团 · 产品经理**　2015.03 – 2018.06
- 负责外卖商家端的版本规划，覆盖1亿用户。
- 参与用户调研与竞品分析。

## 教育背景

浙江大学 · 计算机科学与技术 · 本科　2011.09 – 2015.06

## 语言能力

普通话（母语），英语六级，可作为工作语言
"""

ENGINEER = """# Sam Patel — Backend Engineer

## Experience

### Staff Engineer, Cainiao Logistics (2018 – present)
- Built the parcel-routing service that serves 50k QPS at peak on 11.11.
- I led the migration to an event-driven design and reduced p99 latency from 800 ms to 120 ms.
- Scaled the tracking platform to 20M users across six markets.

### Software Engineer, Ctrip (2014 – 2018)
- Owned the booking cache; cut database load by 60%.

## Education
M.Sc. Computer Science, Fudan University (2012 – 2014)
"""

PASSENGER = """Jordan Lee
Associate, Operations

Experience
Operations Associate, Retail Co. (2021 - 2023)
Participated in weekly planning meetings for the app team.
Assisted the product manager with research notes.
Helped with customer support tickets and was involved in the launch review.
Supported the marketing team on social media posts.

Skills
Excel, PowerPoint, customer service
"""

JSON_RESUME = {
    "basics": {
        "name": "Lin Mei",
        "label": "Data Analyst",
        "summary": "Analyst moving into product, with five years of marketplace analytics.",
    },
    "work": [
        {
            "name": "Tmall",
            "position": "Senior Data Analyst",
            "startDate": "2021-04-01",
            "highlights": [
                "Led the pricing analysis that improved promotion ROI by 15%.",
                "Built the weekly category health report read by 30 category managers.",
            ],
        },
        {
            "name": "JD.com",
            "position": "Data Analyst",
            "startDate": "2019-07-01",
            "endDate": "2021-03-31",
            "summary": "Supported the supply-chain team with forecasting.",
        },
    ],
    "education": [
        {"institution": "Shanghai Jiao Tong University", "area": "Statistics", "studyType": "Bachelor",
         "startDate": "2015-09-01", "endDate": "2019-06-30"}
    ],
    "skills": [{"name": "Analytics", "keywords": ["SQL", "Python", "A/B testing"]}],
    "languages": [
        {"language": "Mandarin", "fluency": "Native speaker"},
        {"language": "English", "fluency": "Professional working proficiency"},
    ],
}


def make_others():
    write("chinese-pm.md", CHINESE)
    write("engineer.md", ENGINEER)
    write("passenger.txt", PASSENGER)
    write("analyst.json", json.dumps(JSON_RESUME, ensure_ascii=False, indent=2) + "\n")
    write("not-a-resume.json", json.dumps({"name": "a build file", "version": 3}) + "\n")
    write("empty.txt", b"")
    rng = random.Random(7)
    write("photo.txt", bytes(rng.randrange(256) for _ in range(2048)))
    ole = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    write("legacy.doc", ole)


if __name__ == "__main__":
    make_pdfs()
    make_docx()
    make_others()
