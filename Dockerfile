# The image that docker-compose.yml runs as web, worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN useradd --system --uid 1000 --home /app raa \
    && mkdir -p var \
    && DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && chown -R raa /app/var
USER raa

EXPOSE 8000
CMD ["gunicorn", "raa_tracker.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
