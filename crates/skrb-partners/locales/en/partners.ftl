# Skrb, partners: English. Every key is in sl and sr-Cyrl too (a test checks).

partners-title = Partner organisations
partners-find = Find a partner
partners-new = New partner
partners-name = Name
partners-kind = Kind
partners-kind-city = City administration
partners-kind-health = Health
partners-kind-school = School
partners-kind-kindergarten = Kindergarten
partners-kind-police = Police
partners-kind-court = Court
partners-kind-pensioners_home = Pensioners' home
partners-kind-ngo = NGO
partners-kind-employment = Employment service
partners-kind-other = Other
partners-open-referrals = Open referrals
partners-contacts = Contact people
partners-contact-name = Name
partners-contact-position = Position
partners-contact-add = Add
partners-users = User accounts of the partner
partners-user-name = Username (role partner)
partners-user-link = Link
partners-err-partner-exists = A partner of this name is already registered.
partners-err-partner-user = No account of the role "partner" has this username.
