"""Every chart of the app, Plotly and Vega-Lite: data in, figures out, no Streamlit.

`theme` (the look), `labels` (typed characters made safe for each renderer: the one choke
point), `plotly_figure` (assembly and the one toolbar config) and `loss` (the one loss curve)
are shared; the rest are one module per page: `train`, `live` (the Train page while it
trains), `compare`, `inside`, `shapes`, `embeddings`, `gradient_flow`.
"""
