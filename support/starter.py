"""The starter help centre a brand gets in each of its languages, ready to edit in the admin.

Each answer is tagged with the shipment situations it fits, so the tracking page shows it when
it matters (a late parcel shows the answer about late parcels).
"""

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class StarterAnswer:
    category: str  # key into CATEGORIES
    slug: str
    statuses: tuple[str, ...]
    title: str
    body: str


CATEGORIES: Final[dict[str, dict[str, str]]] = {
    "delivery": {"en": "Delivery", "ro": "Livrare", "pl": "Dostawa", "ru": "Доставка"},
    "problems": {
        "en": "Problems and returns",
        "ro": "Probleme și retururi",
        "pl": "Problemy i zwroty",
        "ru": "Проблемы и возвраты",
    },
}

ANSWERS: Final[dict[str, tuple[StarterAnswer, ...]]] = {
    "en": (
        StarterAnswer(
            "delivery",
            "late-parcel",
            ("late", "stuck", "exception"),
            "What if my parcel is late?",
            "<p>Carriers sometimes need a day or two more than planned, especially at busy times. "
            "The tracking page shows the latest scan and the expected arrival.</p>"
            "<p>If nothing has moved for three working days, write to us: we ask the carrier "
            "and send a new parcel or refund you if it is lost.</p>",
        ),
        StarterAnswer(
            "delivery",
            "when-will-it-arrive",
            ("pending", "info_received", "in_transit"),
            "When will my order arrive?",
            "<p>The expected delivery date is at the top of your tracking page. It updates with every "
            "carrier scan. You get a message when the parcel is out for delivery.</p>",
        ),
        StarterAnswer(
            "delivery",
            "missed-delivery",
            ("failed_attempt", "available_for_pickup"),
            "The courier missed me. What now?",
            "<p>The carrier usually tries again the next working day or leaves the parcel at a pickup "
            "point. The tracking page shows where it is and until when it waits.</p>",
        ),
        StarterAnswer(
            "problems",
            "delivered-not-received",
            ("delivered",),
            "It says delivered, but I do not have it",
            "<p>Check with neighbours and the building reception, and look for a note from the courier. "
            "Still missing after a day? Use “Something wrong?” on the tracking page and we will "
            "investigate with the carrier.</p>",
        ),
        StarterAnswer(
            "problems",
            "damaged-item",
            ("delivered",),
            "My item arrived damaged",
            "<p>We are sorry. Take a photo of the item and the box, then start a return and choose "
            "“Arrived damaged”: the return is free and we send a replacement or refund you.</p>",
        ),
        StarterAnswer(
            "problems",
            "how-to-return",
            (),
            "How do I return an item?",
            "<p>Open the returns portal, enter your order number and email, choose the items and a "
            "reason. You get a label or a QR code to drop the parcel off.</p>",
        ),
    ),
    "ro": (
        StarterAnswer(
            "delivery",
            "colet-intarziat",
            ("late", "stuck", "exception"),
            "Ce fac dacă coletul întârzie?",
            "<p>Curierii au uneori nevoie de încă o zi sau două, mai ales în perioadele aglomerate. "
            "Pagina de urmărire arată ultima scanare și data estimată de sosire.</p>"
            "<p>Dacă nimic nu s-a mișcat de trei zile lucrătoare, scrie-ne: întrebăm curierul și "
            "trimitem un colet nou sau îți returnăm banii dacă s-a pierdut.</p>",
        ),
        StarterAnswer(
            "delivery",
            "cand-ajunge-comanda",
            ("pending", "info_received", "in_transit"),
            "Când ajunge comanda mea?",
            "<p>Data estimată de sosire este în partea de sus a paginii de urmărire și se actualizează "
            "la fiecare scanare a curierului. Primești un mesaj când coletul pleacă spre tine.</p>",
        ),
        StarterAnswer(
            "delivery",
            "livrare-ratata",
            ("failed_attempt", "available_for_pickup"),
            "Curierul nu m-a găsit acasă. Ce urmează?",
            "<p>De obicei curierul încearcă din nou în următoarea zi lucrătoare sau lasă coletul la un "
            "punct de ridicare. Pagina de urmărire arată unde se află și până când te așteaptă.</p>",
        ),
        StarterAnswer(
            "problems",
            "livrat-dar-neprimit",
            ("delivered",),
            "Apare livrat, dar nu l-am primit",
            "<p>Întreabă vecinii și recepția clădirii și caută un aviz de la curier. Tot lipsește după "
            "o zi? Folosește „Ceva nu e în regulă?” pe pagina de urmărire și verificăm cu curierul.</p>",
        ),
        StarterAnswer(
            "problems",
            "produs-deteriorat",
            ("delivered",),
            "Produsul a sosit deteriorat",
            "<p>Ne pare rău. Fă o fotografie produsului și cutiei, apoi începe un retur și alege "
            "„Sosit deteriorat”: returul este gratuit și îți trimitem alt produs sau banii înapoi.</p>",
        ),
        StarterAnswer(
            "problems",
            "cum-returnez",
            (),
            "Cum returnez un produs?",
            "<p>Deschide portalul de retururi, introdu numărul comenzii și emailul, alege produsele și "
            "motivul. Primești o etichetă sau un cod QR pentru predarea coletului.</p>",
        ),
    ),
    "pl": (
        StarterAnswer(
            "delivery",
            "spozniona-paczka",
            ("late", "stuck", "exception"),
            "Co zrobić, gdy paczka się spóźnia?",
            "<p>Kurierzy czasem potrzebują dnia lub dwóch więcej, zwłaszcza w okresach dużego ruchu. "
            "Strona śledzenia pokazuje ostatni skan i przewidywaną datę dostawy.</p>"
            "<p>Jeśli nic się nie zmieniło od trzech dni roboczych, napisz do nas: zapytamy kuriera i "
            "wyślemy nową paczkę albo zwrócimy pieniądze, jeśli zaginęła.</p>",
        ),
        StarterAnswer(
            "delivery",
            "kiedy-dotrze-zamowienie",
            ("pending", "info_received", "in_transit"),
            "Kiedy dotrze moje zamówienie?",
            "<p>Przewidywana data dostawy jest na górze strony śledzenia i zmienia się z każdym skanem "
            "kuriera. Dostaniesz wiadomość, gdy paczka wyjedzie do doręczenia.</p>",
        ),
        StarterAnswer(
            "delivery",
            "nieudane-doreczenie",
            ("failed_attempt", "available_for_pickup"),
            "Kurier mnie nie zastał. Co dalej?",
            "<p>Kurier zwykle próbuje ponownie następnego dnia roboczego albo zostawia paczkę w punkcie "
            "odbioru. Strona śledzenia pokazuje, gdzie jest i do kiedy czeka.</p>",
        ),
        StarterAnswer(
            "problems",
            "doreczona-ale-nie-mam",
            ("delivered",),
            "Status mówi doręczono, ale nie mam paczki",
            "<p>Zapytaj sąsiadów i recepcję budynku, poszukaj awiza od kuriera. Nadal jej nie ma po "
            "dniu? Użyj „Coś nie tak?” na stronie śledzenia, a wyjaśnimy to z kurierem.</p>",
        ),
        StarterAnswer(
            "problems",
            "uszkodzony-produkt",
            ("delivered",),
            "Produkt dotarł uszkodzony",
            "<p>Przepraszamy. Zrób zdjęcie produktu i kartonu, potem rozpocznij zwrot i wybierz "
            "„Uszkodzony w transporcie”: zwrot jest bezpłatny, a my wyślemy nowy produkt lub oddamy pieniądze.</p>",
        ),
        StarterAnswer(
            "problems",
            "jak-zrobic-zwrot",
            (),
            "Jak zrobić zwrot towaru?",
            "<p>Otwórz portal zwrotów, wpisz numer zamówienia i e-mail, wybierz produkty i powód zwrotu. "
            "Otrzymasz etykietę albo kod QR do nadania paczki.</p>",
        ),
    ),
    "ru": (
        StarterAnswer(
            "delivery",
            "posylka-opazdyvaet",
            ("late", "stuck", "exception"),
            "Что делать, если посылка задерживается?",
            "<p>Перевозчику иногда нужно на день-два больше, особенно в загруженные периоды. "
            "На странице отслеживания видны последнее сканирование и ожидаемая дата доставки.</p>"
            "<p>Если статус не менялся три рабочих дня, напишите нам: мы свяжемся с перевозчиком и "
            "отправим новую посылку или вернём деньги, если она потерялась.</p>",
        ),
        StarterAnswer(
            "delivery",
            "kogda-pridet-zakaz",
            ("pending", "info_received", "in_transit"),
            "Когда придёт мой заказ?",
            "<p>Ожидаемая дата доставки указана вверху страницы отслеживания и обновляется при каждом "
            "сканировании. Вы получите сообщение, когда посылку передадут курьеру.</p>",
        ),
        StarterAnswer(
            "delivery",
            "kurer-ne-zastal",
            ("failed_attempt", "available_for_pickup"),
            "Курьер меня не застал. Что дальше?",
            "<p>Обычно курьер приезжает снова на следующий рабочий день или оставляет посылку в пункте "
            "выдачи. На странице отслеживания видно, где она и до какого числа ждёт.</p>",
        ),
        StarterAnswer(
            "problems",
            "dostavleno-no-net",
            ("delivered",),
            "Статус «доставлено», но посылки нет",
            "<p>Спросите соседей и консьержа, поищите извещение от курьера. Посылки нет и через день? "
            "Нажмите «Что-то не так?» на странице отслеживания, и мы разберёмся с перевозчиком.</p>",
        ),
        StarterAnswer(
            "problems",
            "tovar-povrezhden",
            ("delivered",),
            "Товар пришёл повреждённым",
            "<p>Нам очень жаль. Сфотографируйте товар и коробку, затем оформите возврат с причиной "
            "«Повреждён при доставке»: возврат бесплатный, мы пришлём замену или вернём деньги.</p>",
        ),
        StarterAnswer(
            "problems",
            "kak-vernut-tovar",
            (),
            "Как вернуть товар?",
            "<p>Откройте портал возвратов, введите номер заказа и email, выберите товары и причину. "
            "Вы получите этикетку или QR-код для отправки посылки.</p>",
        ),
    ),
}

CANNED: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "en": (
        (
            "Carrier investigation opened",
            "We have asked the carrier to investigate and will write again within two working days.",
        ),
        (
            "Replacement on its way",
            "We are sorry about this. A replacement is on its way; you will get its tracking link by email.",
        ),
    ),
    "ro": (
        (
            "Am deschis o anchetă la curier",
            "Am cerut curierului să verifice și îți scriem din nou în cel mult două zile lucrătoare.",
        ),
        (
            "Produsul de înlocuire e pe drum",
            "Ne pare rău. Produsul de înlocuire este pe drum; primești linkul de urmărire prin email.",
        ),
    ),
    "pl": (
        (
            "Reklamacja u kuriera",
            "Poprosiliśmy kuriera o wyjaśnienie i odezwiemy się w ciągu dwóch dni roboczych.",
        ),
        (
            "Wysłaliśmy nowy produkt",
            "Przepraszamy. Nowy produkt jest w drodze; link do śledzenia dostaniesz e-mailem.",
        ),
    ),
    "ru": (
        (
            "Запрос перевозчику отправлен",
            "Мы попросили перевозчика проверить доставку и напишем вам в течение двух рабочих дней.",
        ),
        (
            "Замена уже в пути",
            "Приносим извинения. Замена уже в пути, ссылку для отслеживания пришлём по email.",
        ),
    ),
}


def starter_translation_key(position: int) -> str:
    """The key tying a starter answer to the same answer in the other languages (they share positions)."""
    return f"starter-{ANSWERS['en'][position].slug}" if position < len(ANSWERS["en"]) else ""
