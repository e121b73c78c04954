"""Files to attach (issue 28 §4): the smallest bytes each kind is recognised by, and
uploading them as a client does (``POST /api/v1/files``)."""

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
# a Windows executable (MZ header pointing at its PE signature): refused whatever its name
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00" + b"\x00" * 64 \
    + b"PE\x00\x00" + b"\x00" * 200


def upload(api, *files, headers=None, expected=201):
    """Upload ``files`` ((name, bytes) each) in one call: the answer's JSON."""
    answer = api.post("/api/v1/files", files=[("file", each) for each in files], headers=headers)
    assert answer.status_code == expected, answer.text
    return answer.json()
