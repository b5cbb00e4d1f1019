# RNN Playground for a classroom server. Installs exactly what the README installs.
# (It cannot be built on the team's machines, which run no Docker engine; keep it in step
# with requirements.txt and the README. tests/test_dockerfile.py checks that every folder the
# app imports is copied.)
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py ./
COPY .streamlit ./.streamlit
COPY app_pages ./app_pages
COPY charts ./charts
COPY playground ./playground
COPY store ./store
COPY ui ./ui
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0", "--server.headless", "true"]
