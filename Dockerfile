FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint's Pango and HarfBuzz, fonts that carry Vietnamese (Liberation Serif for reports), gettext,
# pg_dump/pg_restore for `manage.py backup` and `restore`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-noto-core fonts-dejavu-core fonts-liberation fonts-liberation2 gettext postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install '.[s3]'
COPY . .
# SECRET_KEY set while building, so no local key (config/settings.py) is generated into the image.
RUN SECRET_KEY=build-only python manage.py compilemessages -v0 \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput -v0 \
 && useradd --create-home portal && mkdir -p /app/media && chown portal /app/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--access-logfile", "-"]
