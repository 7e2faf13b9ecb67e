from synthetic_intelligence.pipelines.latent_qa.pipeline import create_pipeline

__all__ = ["create_pipeline"]
