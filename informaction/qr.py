"""QR codes as inline SVG: dark modules on an opaque white background, 4-module quiet zone."""

from __future__ import annotations


def qr_svg(data: str, *, title: str = "") -> str:
    """An SVG document encoding `data` (error correction M), readable by phone cameras."""
    import qrcode  # imported here: only the pages that draw a code pay for it
    import qrcode.image.svg

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        image_factory=qrcode.image.svg.SvgPathFillImage,  # opaque white background
    )
    code.add_data(data)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    if title:
        from django.utils.html import escape

        svg = svg.replace(">", f' role="img" aria-label="{escape(title)}">', 1)
    return svg


def qr_png(data: str, *, box_size: int = 8) -> bytes:
    """The same code as a PNG (for mail, where SVG is not shown), white background."""
    import io

    import qrcode
    import qrcode.image.pil

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        box_size=box_size,
        image_factory=qrcode.image.pil.PilImage,
    )
    code.add_data(data)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()
