"""The documents people hold (issue 28): what a certificate or report says, printed as a
signed PDF, and a calibration certificate also as a signed DCC (PTB's Digital
Calibration Certificate XML).

* ``kinds`` — every kind of document the platform issues, its title and what it is
  issued as (adding a kind is one entry there);
* ``content`` — the printable content of one issued document, built by the issuing
  service's domain from its own record (pure data);
* ``pdf`` — the A4 PDF of a content, with an embedded CJK font and a QR code to the
  document's verification page;
* ``units`` and ``dcc`` — a calibration certificate as DCC 3.1.2 with D-SI 2.1.0
  quantities, checked against PTB's schemas (``data/dcc``);
* ``keys`` and ``signing`` — the platform's issuing key generations, the PAdES signature
  of a PDF, the enveloping XML signature of a DCC, and checking either from the file;
* ``originals`` — the signed originals, kept once in GridFS (an adapter);
* ``issuing`` — the use case a domain service serves a document file with.
"""
