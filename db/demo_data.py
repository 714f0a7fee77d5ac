"""The demo's vocabulary: company flavours, names, products, notes and the status mix by age."""

from dataclasses import dataclass
from decimal import Decimal

from app.domain.vocabulary import CancellationReason, OrderStatus


@dataclass(frozen=True, slots=True)
class Country:
    """What makes one demo company look Peruvian, Argentine or Spanish."""

    code: str
    name: str
    tax_id: str
    tax_rate: Decimal
    currency: str
    country: str
    weight: float  # share of the orders
    price_factor: Decimal  # list prices are written in soles and converted
    price_step: Decimal
    phone: str  # "#" becomes a digit
    client_tax_id: str
    email_domain: str
    cities: tuple[tuple[str, str, str], ...]  # city, region, zip code
    streets: tuple[str, ...]
    shop_names: tuple[str, ...]  # "{s}" a surname, "{f}" a first name
    surnames: tuple[str, ...]
    first_names: tuple[str, ...]
    brands: tuple[str, ...]
    payment_methods: tuple[tuple[str, str], ...]
    spring_summer_from_september: bool  # southern hemisphere
    foreign_destinations: tuple[str, ...]
    carriers: tuple[str, ...]


COUNTRIES = (
    Country(
        code="PE-ANDINA",
        name="Distribuidora Andina del Pacífico S.A.C.",
        tax_id="20601234571",
        tax_rate=Decimal("0.18"),
        currency="PEN",
        country="PE",
        weight=0.45,
        price_factor=Decimal("1"),
        price_step=Decimal("0.10"),
        phone="+51 9## ### ###",
        client_tax_id="20#########",
        email_domain="example.pe",
        cities=(
            ("Lima", "Lima", "15001"),
            ("Miraflores", "Lima", "15074"),
            ("San Isidro", "Lima", "15073"),
            ("Santiago de Surco", "Lima", "15023"),
            ("Ate", "Lima", "15012"),
            ("Callao", "Callao", "07001"),
            ("Arequipa", "Arequipa", "04001"),
            ("Trujillo", "La Libertad", "13001"),
            ("Chiclayo", "Lambayeque", "14001"),
            ("Piura", "Piura", "20001"),
            ("Cusco", "Cusco", "08001"),
            ("Huancayo", "Junín", "12001"),
        ),
        streets=(
            "Av. Javier Prado Este", "Av. Arequipa", "Jr. de la Unión", "Av. Larco",
            "Calle Los Pinos", "Av. Túpac Amaru", "Jr. Huallaga", "Av. La Marina",
            "Av. Ejército", "Calle Mercaderes", "Av. Grau", "Jr. Ayacucho",
        ),
        shop_names=(
            "Bodega {s}", "Minimarket {f}", "Comercial {s} E.I.R.L.", "Distribuciones {s} S.A.C.",
            "Inversiones {s} & Hijos S.R.L.", "Autoservicio {s}", "Market Don {f}",
        ),
        surnames=(
            "Quispe", "Mamani", "Huamán", "Flores", "Rojas", "Vargas", "Chávez", "Ramírez",
            "Torres", "Castillo", "Mendoza", "Salazar", "Paredes", "Gutiérrez", "Condori",
            "Espinoza", "Villanueva", "Tapia", "Zevallos", "Ccahuana",
        ),
        first_names=(
            "Luis", "Rosa", "Carlos", "María", "Jorge", "Lucía", "Miguel", "Carmen", "José",
            "Patricia", "Walter", "Milagros",
        ),
        brands=("Alpamayo", "Costa Verde", "Sol de Oro", "Mistura", "Huascarán"),
        payment_methods=(
            ("CONTADO", "Contado contra entrega"),
            ("CRED30", "Crédito 30 días"),
            ("TRANSF", "Transferencia bancaria"),
        ),
        spring_summer_from_september=True,
        foreign_destinations=(
            "Guayaquil, Ecuador", "La Paz, Bolivia", "Arica, Chile", "Leticia, Colombia",
        ),
        carriers=("Olva Courier", "Shalom Empresarial", "Flota propia"),
    ),
    Country(
        code="AR-PLATA",
        name="Mayorista del Plata S.A.",
        tax_id="30-71654321-9",
        tax_rate=Decimal("0.21"),
        currency="ARS",
        country="AR",
        weight=0.30,
        price_factor=Decimal("310"),
        price_step=Decimal("10"),
        phone="+54 9 11 ####-####",
        client_tax_id="30-########-#",
        email_domain="example.com.ar",
        cities=(
            ("Ciudad Autónoma de Buenos Aires", "CABA", "C1043"),
            ("La Plata", "Buenos Aires", "B1900"),
            ("Mar del Plata", "Buenos Aires", "B7600"),
            ("Quilmes", "Buenos Aires", "B1878"),
            ("Córdoba", "Córdoba", "X5000"),
            ("Rosario", "Santa Fe", "S2000"),
            ("Mendoza", "Mendoza", "M5500"),
            ("San Miguel de Tucumán", "Tucumán", "T4000"),
            ("Neuquén", "Neuquén", "Q8300"),
            ("Salta", "Salta", "A4400"),
        ),
        streets=(
            "Av. Corrientes", "Av. Rivadavia", "Av. Santa Fe", "Calle Florida", "Av. Belgrano",
            "Bv. Oroño", "Av. Colón", "Calle San Martín", "Av. Callao", "Calle Mitre",
        ),
        shop_names=(
            "Almacén {s}", "Autoservicio {s}", "Distribuidora {s} S.R.L.", "Supermercado {s} Hnos.",
            "Kiosco {f}", "Despensa {s}", "{s} y Cía. S.A.",
        ),
        surnames=(
            "González", "Rodríguez", "Fernández", "López", "Martínez", "Pérez", "García",
            "Sánchez", "Romero", "Sosa", "Álvarez", "Ruiz", "Acosta", "Benítez", "Medina",
            "Herrera", "Suárez", "Aguirre", "Giménez", "Molina",
        ),
        first_names=(
            "Martín", "Sofía", "Diego", "Valentina", "Facundo", "Camila", "Santiago", "Florencia",
            "Matías", "Lucía", "Nicolás", "Agustina",
        ),
        brands=("La Pampeana", "Don Anselmo", "Río Dorado", "Tres Lagunas", "El Ceibo"),
        payment_methods=(
            ("CONTADO", "Contado"),
            ("CC30", "Cuenta corriente 30 días"),
            ("ECHEQ", "Echeq a 60 días"),
        ),
        spring_summer_from_september=True,
        foreign_destinations=(
            "Montevideo, Uruguay", "Asunción, Paraguay", "Santiago, Chile",
            "Santa Cruz de la Sierra, Bolivia",
        ),
        carriers=("Andreani", "OCA", "Vía Cargo"),
    ),
    Country(
        code="ES-IBERICA",
        name="Suministros Ibéricos Mediterráneo S.L.",
        tax_id="B86543210",
        tax_rate=Decimal("0.21"),
        currency="EUR",
        country="ES",
        weight=0.25,
        price_factor=Decimal("0.27"),
        price_step=Decimal("0.05"),
        phone="+34 6## ### ###",
        client_tax_id="B########",
        email_domain="example.es",
        cities=(
            ("Madrid", "Madrid", "28001"),
            ("Alcalá de Henares", "Madrid", "28801"),
            ("Barcelona", "Barcelona", "08001"),
            ("Badalona", "Barcelona", "08911"),
            ("Valencia", "Valencia", "46001"),
            ("Sevilla", "Sevilla", "41001"),
            ("Málaga", "Málaga", "29001"),
            ("Bilbao", "Bizkaia", "48001"),
            ("Zaragoza", "Zaragoza", "50001"),
            ("Murcia", "Murcia", "30001"),
        ),
        streets=(
            "Calle Mayor", "Gran Vía", "Calle de Alcalá", "Avinguda Diagonal", "Calle Serrano",
            "Paseo de la Castellana", "Calle Larios", "Avenida de la Constitución", "Calle Colón",
            "Calle de San Vicente",
        ),
        shop_names=(
            "Supermercados {s} S.L.", "Ultramarinos {s}", "Alimentación {s} e Hijos",
            "Comercial {s} S.A.", "Cash {s}", "Tienda de {f}", "Distribuciones {s} S.L.",
        ),
        surnames=(
            "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
            "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno",
            "Muñoz", "Álvarez", "Romero", "Navarro", "Torres",
        ),
        first_names=(
            "Javier", "Lucía", "Alejandro", "Marta", "Pablo", "Elena", "Sergio", "Laura", "David",
            "Carmen", "Iñigo", "Nuria",
        ),
        brands=("Sierra Nevada", "La Ribera", "Mar Menor", "Campo Real", "Doña Pilar"),
        payment_methods=(
            ("TRANSF", "Transferencia bancaria"),
            ("SEPA", "Recibo domiciliado SEPA"),
            ("CONF60", "Confirming 60 días"),
        ),
        spring_summer_from_september=False,
        foreign_destinations=(
            "Andorra la Vella, Andorra", "Casablanca, Marruecos", "Londres, Reino Unido",
            "Ginebra, Suiza",
        ),
        carriers=("SEUR", "MRW", "Correos Express"),
    ),
)  # fmt: skip

# Base products: name, sizes, unit price in soles of the first size. Sizes scale the price.
CATALOGUE: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Agua mineral sin gas", ("625 ml", "1 L", "2.5 L"), "1.50"),
    ("Agua mineral con gas", ("500 ml", "1.5 L"), "2.00"),
    ("Gaseosa cola", ("500 ml", "1.5 L", "3 L"), "2.50"),
    ("Gaseosa lima-limón", ("500 ml", "1.5 L"), "2.40"),
    ("Jugo de naranja", ("300 ml", "1 L"), "2.80"),
    ("Néctar de durazno", ("1 L",), "4.20"),
    ("Bebida energética", ("473 ml",), "5.50"),
    ("Cerveza rubia", ("355 ml", "650 ml"), "4.80"),
    ("Aceite vegetal", ("900 ml", "5 L"), "9.90"),
    ("Arroz extra", ("750 g", "5 kg"), "4.20"),
    ("Azúcar rubia", ("1 kg", "5 kg"), "3.90"),
    ("Fideos spaghetti", ("500 g", "1 kg"), "3.20"),
    ("Harina sin preparar", ("1 kg",), "4.10"),
    ("Leche evaporada", ("170 g", "400 g"), "2.10"),
    ("Leche UHT entera", ("1 L",), "4.30"),
    ("Yogur bebible fresa", ("1 L",), "6.50"),
    ("Atún en aceite", ("170 g",), "5.90"),
    ("Galletas de soda", ("6 x 34 g",), "3.50"),
    ("Galletas de chocolate", ("6 x 36 g",), "4.20"),
    ("Chocolate de taza", ("90 g",), "3.60"),
    ("Café instantáneo", ("50 g", "200 g"), "6.90"),
    ("Té filtrante", ("25 sobres",), "4.50"),
    ("Mayonesa", ("100 g", "475 g"), "2.90"),
    ("Kétchup", ("100 g", "400 g"), "2.40"),
    ("Sal de mesa", ("1 kg",), "1.80"),
    ("Avena en hojuelas", ("500 g",), "4.80"),
    ("Papas fritas clásicas", ("45 g", "180 g"), "1.90"),
    ("Detergente en polvo", ("500 g", "2 kg"), "5.90"),
    ("Lavavajillas en crema", ("400 g",), "5.20"),
    ("Lejía", ("1 L", "4 L"), "3.90"),
    ("Papel higiénico doble hoja", ("4 rollos", "24 rollos"), "7.50"),
    ("Servilletas", ("100 u",), "3.10"),
    ("Jabón de tocador", ("90 g",), "2.60"),
    ("Champú", ("400 ml",), "14.90"),
    ("Pasta dental", ("75 ml",), "5.80"),
    ("Desodorante en aerosol", ("150 ml",), "12.50"),
    ("Pañales talla M", ("30 u",), "39.90"),
    ("Suavizante de ropa", ("900 ml",), "8.40"),
    ("Limpiador multiuso", ("900 ml",), "6.70"),
    ("Bolsas de basura", ("10 u",), "4.30"),
)
SIZE_FACTORS = (Decimal("1"), Decimal("2.6"), Decimal("5.5"))
PACKAGINGS = ((1, ""), (6, " - pack x6"), (12, " - caja x12"))
LINE_DISCOUNTS = (
    ("VOL", "Descuento por volumen"),
    ("PROMO", "Promoción"),
    ("BONIF", "Bonificación"),
)
HEADER_DISCOUNTS = (("PP", "Pronto pago"), ("CLI", "Cliente preferente"), ("CAMP", "Campaña"))
LINE_RATES = tuple(Decimal(r) for r in ("0.02", "0.03", "0.05", "0.075", "0.10", "0.125", "0.15"))
HEADER_RATES = tuple(Decimal(r) for r in ("0.01", "0.02", "0.025", "0.03", "0.05"))
QUANTITIES = (1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 6, 8, 10, 12, 12, 15, 20, 24)
LINE_COUNTS = (3, 4, 4, 5, 5, 5, 6, 6, 7)
DESCRIPTIONS = (
    None, None, "Pedido semanal", "Reposición de stock", "Pedido quincenal", "Campaña de temporada",
    "Apertura de local", "Pedido urgente",
)  # fmt: skip
OBSERVATIONS = (
    None, None, None, "Entregar por la mañana.", "Llamar antes de llegar.",
    "Descargar por la puerta trasera.", "Horario de recepción de 8:00 a 13:00.",
)  # fmt: skip
RETURN_NOTES = (
    "Producto dañado en el transporte", "Fecha de vencimiento próxima", "Error de despacho",
    "Cliente rechazó parte del pedido",
)  # fmt: skip
CANCELLATION_NOTES = {
    CancellationReason.IMPRECISE_DELIVERY_ADDRESS: "No se encontró la dirección de entrega.",
    CancellationReason.OUT_DELIVERY_HOURS: "El local estaba cerrado al llegar el reparto.",
    CancellationReason.OUT_TIME_CONFIRM: "El cliente no confirmó a tiempo.",
    CancellationReason.OUTSTANDING_BALANCE: "Saldo pendiente de pago.",
    CancellationReason.OUT_OF_STOCK: "Sin stock suficiente en almacén.",
    CancellationReason.OTHER: "Anulado a pedido del cliente.",
}
REASON_WEIGHTS = (1, 1, 2, 2, 3, 2)  # in CancellationReason order
STATUSES = tuple(OrderStatus)
# Status mix by age of the order: recent orders are still open, old ones mostly delivered.
STATUS_WEIGHTS_BY_AGE: tuple[tuple[int, tuple[float, ...]], ...] = (
    # max age in days; PENDING, CONFIRMED, SHIPPED, PARTIALLY_DELIVERED, DELIVERED, CANCELLED
    (3, (45, 30, 12, 5, 3, 5)),
    (15, (10, 15, 20, 20, 27, 8)),
    (60, (2, 3, 5, 12, 68, 10)),
    (10**6, (0.5, 0.5, 0.5, 4, 84.5, 10)),
)
# Seconds between one lifecycle step and the previous: (min, max).
STEP_GAPS = {
    "UPDATED": (300, 8 * 3600),
    "CONFIRMED": (1200, 2 * 86400),
    "SHIPPED": (2 * 3600, 3 * 86400),
    "PARTIAL": (6 * 3600, 6 * 86400),
    "COMPLETE": (6 * 3600, 6 * 86400),
    "RETURNED": (86400, 15 * 86400),
    "CANCELLED": (1800, 4 * 86400),
}
