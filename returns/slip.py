"""The QR code and the printable return slip, in the brand's colours and the shopper's language."""

import io
from functools import cache
from pathlib import Path
from typing import Final

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from brands.models import Brand
from common.colours import readable_text_on, safe_colour
from returns import presentation
from returns.models import Return
from returns.reasons import reason_label

# Fonts with Romanian, Polish and Cyrillic letters; the standard PDF fonts have none of ș, ł or я.
FONT_DIRS: Final = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")


@cache
def _fonts() -> tuple[str, str]:
    configured = getattr(settings, "RETURNS_SLIP_FONT_DIR", "")
    for directory in (configured, *FONT_DIRS):
        regular, bold = (
            Path(directory or "/nonexistent") / "DejaVuSans.ttf",
            Path(directory or "/nonexistent") / "DejaVuSans-Bold.ttf",
        )
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("SlipSans", str(regular)))
            pdfmetrics.registerFont(TTFont("SlipSans-Bold", str(bold)))
            return "SlipSans", "SlipSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def qr_svg(data: str) -> SafeString:
    """An inline SVG QR code (no image request, no script)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg.split("?>", 1)[-1]  # drop the XML declaration: the SVG sits inside HTML
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" class="qr__code" ', 1)
    return mark_safe(svg)  # noqa: S308 -- generated path data only; the RMA is not embedded as text


def slip_pdf(*, ret: Return, brand: Brand, return_address: str) -> bytes:
    """A one-page A4 slip to put in the parcel: RMA, QR code, order, items, reason, address."""
    regular, bold = _fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{brand.name} {ret.rma}")
    pdf.setAuthor(brand.name)
    width, height = A4
    primary = safe_colour(brand.primary_colour, fallback="#1f2937")
    pdf.setFillColor(colors.HexColor(primary))
    pdf.rect(0, height - 30 * mm, width, 30 * mm, stroke=0, fill=1)
    pdf.setFillColor(colors.HexColor(readable_text_on(primary)))
    pdf.setFont(bold, 20)
    pdf.drawString(18 * mm, height - 19 * mm, brand.name)
    pdf.setFont(regular, 11)
    pdf.drawRightString(width - 18 * mm, height - 19 * mm, _("Return slip"))

    pdf.setFillColor(colors.black)
    top = height - 45 * mm
    pdf.setFont(regular, 10)
    pdf.drawString(18 * mm, top, _("Return number (RMA)"))
    pdf.setFont(bold, 26)
    pdf.drawString(18 * mm, top - 11 * mm, ret.rma)
    pdf.setFont(regular, 11)
    pdf.drawString(18 * mm, top - 20 * mm, _("Order #%(number)s") % {"number": ret.order.number})
    pdf.drawString(
        18 * mm,
        top - 26 * mm,
        _("Reason: %(reason)s") % {"reason": reason_label(ret.reason, ret.locale or "en")},
    )
    pdf.drawString(18 * mm, top - 32 * mm, presentation.resolution_label(ret.resolution))

    widget = QrCodeWidget(ret.rma)
    x0, y0, x1, y1 = widget.getBounds()
    size = 45 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, width - 18 * mm - size, top - 40 * mm)

    y = top - 52 * mm
    pdf.setFont(bold, 12)
    pdf.drawString(18 * mm, y, _("Items in this parcel"))
    pdf.setFont(regular, 11)
    for line in ret.lines.all():
        y -= 7 * mm
        pdf.drawString(22 * mm, y, f"{line.quantity} × {line.order_line.title}"[:90])
        pdf.drawRightString(width - 18 * mm, y, line.order_line.product.sku)
    y -= 14 * mm
    pdf.setFont(bold, 12)
    pdf.drawString(18 * mm, y, _("What to do"))
    pdf.setFont(regular, 11)
    for step in (
        _("1. Put the items and this slip in the parcel."),
        _("2. Write the return number on the outside of the parcel."),
        _("3. Hand the parcel to the carrier and keep the receipt."),
    ):
        y -= 7 * mm
        pdf.drawString(22 * mm, y, step)
    if return_address.strip():
        y -= 14 * mm
        pdf.setFont(bold, 12)
        pdf.drawString(18 * mm, y, _("Send to"))
        pdf.setFont(regular, 11)
        for address_line in return_address.strip().splitlines()[:6]:
            y -= 6 * mm
            pdf.drawString(22 * mm, y, address_line[:90])
    pdf.setFont(regular, 9)
    pdf.setFillColor(colors.HexColor("#4b5563"))
    pdf.drawString(18 * mm, 15 * mm, f"{brand.name} · {brand.support_email or ''}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
